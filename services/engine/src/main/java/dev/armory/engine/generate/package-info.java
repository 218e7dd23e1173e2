/**
 * Text generation. Reading order: {@link dev.armory.engine.generate.TokenChooser} and {@link
 * dev.armory.engine.generate.FullRecomputeGenerator} (the reference: a forward over the whole
 * prefix per token), then the serving engine: {@link dev.armory.engine.generate.DecodeEngine} (the
 * public entry: submit, stream, cancel, adapters, stats) with its request and result types ({@link
 * dev.armory.engine.generate.GenerationRequest}, {@link dev.armory.engine.generate.SamplingParams},
 * {@link dev.armory.engine.generate.GenerationListener}, {@link
 * dev.armory.engine.generate.TokenDelta}, {@link dev.armory.engine.generate.GenerationResult},
 * {@link dev.armory.engine.generate.FinishReason}, {@link
 * dev.armory.engine.generate.GenerationHandle}) and configuration ({@link
 * dev.armory.engine.generate.EngineConfig}, {@link dev.armory.engine.generate.EngineLimits}, {@link
 * dev.armory.engine.generate.WeightFormat}); {@link dev.armory.engine.generate.ServingEngine}, the
 * contract serving front ends use, which {@link dev.armory.engine.generate.SequentialEngine} also
 * meets for models that decode one sequence at a time ({@link
 * dev.armory.engine.generate.SequenceDecoder}, e.g. an ONNX export); inside DecodeEngine {@link
 * dev.armory.engine.generate.BatchScheduler} (continuous batching), {@link
 * dev.armory.engine.generate.InferenceModel} (base weights and the session, rebuilt when adapters
 * add modules), {@link dev.armory.engine.generate.RunningRequest}, {@link
 * dev.armory.engine.generate.TokenSampler} and {@link dev.armory.engine.generate.StopStrings}. The
 * graphs are in {@code generate.kv}, adapters in {@code generate.adapters}.
 */
package dev.armory.engine.generate;
