package dev.armory.engine.runtime;

import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * How to create an ONNX Runtime session: threads, graph optimisation, optimisers to disable,
 * execution provider and raw config entries.
 *
 * @param intraOpThreads threads per op; 0 lets ONNX Runtime choose (one per core)
 * @param optimization graph optimisation level
 * @param disabledOptimizers optimiser names to disable (e.g. ConstantFolding for NF4 graphs)
 * @param provider execution provider
 * @param cudaDevice CUDA device id when the provider is CUDA
 * @param configEntries extra session config entries (ONNX Runtime's key/value options)
 */
public record SessionConfig(
    int intraOpThreads,
    OptLevel optimization,
    Set<String> disabledOptimizers,
    ExecutionProvider provider,
    int cudaDevice,
    Map<String, String> configEntries) {

  /**
   * Config key under which {@link #withOptimizedModelFile} keeps the path; Armory hands it to
   * SessionOptions.setOptimizedModelFilePath instead of passing it to ONNX Runtime as an entry.
   */
  public static final String OPTIMIZED_MODEL_FILE = "armory.optimized_model_file_path";

  /** Config key under which {@link #withProfiling} keeps the profile file prefix. */
  public static final String PROFILE_PREFIX = "armory.profile_file_prefix";

  public SessionConfig {
    disabledOptimizers = Set.copyOf(disabledOptimizers);
    configEntries = Map.copyOf(configEntries);
    if (intraOpThreads < 0) {
      throw new IllegalArgumentException("intraOpThreads must be >= 0, got " + intraOpThreads);
    }
  }

  /** CPU, all optimisations, ONNX Runtime's default thread count. */
  public static SessionConfig defaults() {
    return new SessionConfig(0, OptLevel.ALL_OPT, Set.of(), ExecutionProvider.CPU, 0, Map.of());
  }

  public SessionConfig withThreads(int threads) {
    return new SessionConfig(
        threads, optimization, disabledOptimizers, provider, cudaDevice, configEntries);
  }

  public SessionConfig withOptimization(OptLevel level) {
    return new SessionConfig(
        intraOpThreads, level, disabledOptimizers, provider, cudaDevice, configEntries);
  }

  public SessionConfig withProvider(ExecutionProvider p) {
    return new SessionConfig(
        intraOpThreads, optimization, disabledOptimizers, p, cudaDevice, configEntries);
  }

  /** Adds optimisers to disable, e.g. "ConstantFolding". */
  public SessionConfig disabling(String... optimizers) {
    Set<String> s = new LinkedHashSet<>(disabledOptimizers);
    s.addAll(Set.of(optimizers));
    return new SessionConfig(intraOpThreads, optimization, s, provider, cudaDevice, configEntries);
  }

  public SessionConfig withConfig(String key, String value) {
    Map<String, String> m = new LinkedHashMap<>(configEntries);
    m.put(key, value);
    return new SessionConfig(
        intraOpThreads, optimization, disabledOptimizers, provider, cudaDevice, m);
  }

  /**
   * Asks ONNX Runtime to write the graph it runs after optimisation to {@code onnxFile}, to inspect
   * what its optimisers did (for example whether constant folding expanded quantised weights).
   */
  public SessionConfig withOptimizedModelFile(Path onnxFile) {
    return withConfig(OPTIMIZED_MODEL_FILE, onnxFile.toAbsolutePath().toString());
  }

  /**
   * Turns on ONNX Runtime's profiler: per-node timings go to a JSON file whose name starts with
   * {@code prefix}; {@link GraphSession#endProfiling()} returns it.
   */
  public SessionConfig withProfiling(Path prefix) {
    return withConfig(PROFILE_PREFIX, prefix.toAbsolutePath().toString());
  }
}
