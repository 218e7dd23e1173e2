package dev.armory.engine.generate;

import dev.armory.engine.generate.kv.KvCacheGraph;
import dev.armory.engine.runtime.SessionConfig;

/**
 * How a {@link DecodeEngine} runs.
 *
 * @param weights base weight format
 * @param graph attention kernel and fused kernels of the KV-cache graph
 * @param limits batch, queue, request and KV-cache caps
 * @param adapterBudgetBytes bytes of LoRA factors that may be resident at once
 * @param session ONNX Runtime session settings (threads, provider)
 */
public record EngineConfig(
    WeightFormat weights,
    KvCacheGraph.Options graph,
    EngineLimits limits,
    long adapterBudgetBytes,
    SessionConfig session) {
  /** fp32 weights, ONNX Runtime's fused kernels, default limits, 256 MiB of adapters. */
  public static EngineConfig defaults() {
    return new EngineConfig(
        WeightFormat.FP32,
        KvCacheGraph.Options.fused(),
        EngineLimits.defaults(),
        256L << 20,
        SessionConfig.defaults());
  }

  public EngineConfig withWeights(WeightFormat w) {
    return new EngineConfig(w, graph, limits, adapterBudgetBytes, session);
  }

  public EngineConfig withGraph(KvCacheGraph.Options g) {
    return new EngineConfig(weights, g, limits, adapterBudgetBytes, session);
  }

  public EngineConfig withLimits(EngineLimits l) {
    return new EngineConfig(weights, graph, l, adapterBudgetBytes, session);
  }

  public EngineConfig withAdapterBudgetBytes(long bytes) {
    return new EngineConfig(weights, graph, limits, bytes, session);
  }

  public EngineConfig withSession(SessionConfig s) {
    return new EngineConfig(weights, graph, limits, adapterBudgetBytes, s);
  }
}
