/**
 * Running graphs on ONNX Runtime. Reading order: {@link dev.armory.engine.runtime.Ort} (the one
 * environment), {@link dev.armory.engine.runtime.SessionConfig} and {@link
 * dev.armory.engine.runtime.ExecutionProvider} (threads, optimisation, CPU or CUDA), {@link
 * dev.armory.engine.runtime.GraphSession} (a session built in memory with large initializers
 * attached from their buffers, or loaded from an .onnx with its external data; failures name the
 * graph and the inputs), then {@link dev.armory.engine.runtime.Tensors} (zero-copy tensors over
 * direct buffers and reading outputs back).
 */
package dev.armory.engine.runtime;
