/**
 * One class per ONNX op: its shape inference and, beside it, its vector-Jacobian product written
 * with ordinary ONNX ops (ONNX Runtime has no gradient ops outside its training build). Reading
 * order: {@link dev.armory.engine.graph.op.Op} and {@link dev.armory.engine.graph.op.VjpContext}
 * (the contract: one gradient per input, null where none flows, broadcasting left to the walk), the
 * elementwise ops ({@code Add}, {@code Mul}, {@code Tanh}…, on {@code BinaryOp} and {@code
 * UnaryOp}), {@code MatMul} and {@code Gemm}, {@code Softmax} and {@code LogSoftmax}, the
 * reductions ({@code ReduceOp}), the shape ops ({@code Reshape}, {@code Transpose}, {@code Concat},
 * {@code Split}, {@code Slice}…), the lookups ({@code Gather}, {@code GatherElements}), and last
 * the non-differentiable ops (comparisons, {@code ShapeOf}, {@code Range}, scatters) that forward
 * graphs and gradient rules use.
 */
package dev.armory.engine.graph.op;
