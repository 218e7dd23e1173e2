/**
 * The inference service: {@code armory.inference.v1.Inference} over gRPC, a thin Micronaut shell
 * over the engine's {@link dev.armory.engine.generate.DecodeEngine}. Reading order: {@link
 * dev.armory.inference.InferenceConfig} (settings), {@link dev.armory.inference.EngineFactory} (the
 * model and its adapters), {@link dev.armory.inference.GenerationService} (requests in, tracking,
 * drain) and {@link dev.armory.inference.AdapterService} (load, unload, hot-load), then the gRPC
 * side: {@link dev.armory.inference.InferenceEndpoint} with {@link
 * dev.armory.inference.StreamRelay}, {@link dev.armory.inference.ProtoMapping} and {@link
 * dev.armory.inference.GrpcErrors}; health, reflection and shutdown in {@link
 * dev.armory.inference.GrpcServices} and {@link dev.armory.inference.ServingLifecycle}; meters in
 * {@link dev.armory.inference.InferenceMetrics}; and {@link dev.armory.inference.InferenceServer},
 * which starts and stops it all.
 */
package dev.armory.inference;
