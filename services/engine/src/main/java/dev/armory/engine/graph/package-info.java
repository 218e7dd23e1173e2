/**
 * The graph IR: typed values with shapes whose dims may be symbolic, nodes of ops, initializers,
 * and ONNX serialisation; depends on nothing else in the engine. Reading order: {@link
 * dev.armory.engine.graph.Dim} and {@link dev.armory.engine.graph.Shape} (sizes and symbols, numpy
 * broadcasting), {@link dev.armory.engine.graph.ElementType} and {@link
 * dev.armory.engine.graph.TensorData} (constant contents, never copied), {@link
 * dev.armory.engine.graph.Value}, {@link dev.armory.engine.graph.Node} and {@link
 * dev.armory.engine.graph.Attributes}, {@link dev.armory.engine.graph.Graph} (insertion order is
 * topological; shapes are inferred as nodes are added), {@link
 * dev.armory.engine.graph.GraphBuilder} (the API that reads like the math, with name scopes and
 * shared small constants), then {@link dev.armory.engine.graph.OnnxWriter} (ModelProto with large
 * initializers as external data). The ops themselves are in {@code graph.op}.
 */
package dev.armory.engine.graph;
