package dev.armory.inference;

import dev.armory.engine.generate.EngineConfig;
import dev.armory.engine.generate.EngineLimits;
import dev.armory.engine.generate.WeightFormat;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import io.micronaut.core.convert.format.ReadableBytes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The inference service's settings, under {@code armory.inference} (application.yml), each also
 * settable by environment variable: {@code armory.inference.model-dir} is {@code
 * ARMORY_INFERENCE_MODEL_DIR}. Defaults here match application.yml.
 *
 * @param modelDir the Hugging Face model directory served (required)
 * @param modelId the id clients may name in requests; the directory's name when unset
 * @param adaptersDir every subdirectory holding an adapter_config.json is registered by its name
 * @param adapterRoots further directories LoadAdapter may register adapters from (the adapters
 *     directory always may)
 * @param weights base weights as fp32, nf4 or int4
 * @param threads ONNX Runtime intra-op threads (0: one per core)
 * @param maxBatchSize requests decoded together per step
 * @param maxQueuedRequests requests waiting for a batch row; more get RESOURCE_EXHAUSTED
 * @param maxPromptTokens longest prompt accepted, in tokens
 * @param maxTokens largest max_tokens a request may ask for
 * @param defaultMaxTokens max_tokens of requests that leave it 0
 * @param kvCacheBytes the KV cache's allocation cap (e.g. 1GB)
 * @param adapterCacheBytes bytes of LoRA factors resident at once (e.g. 256MB); least recently used
 *     adapters are unloaded beyond it
 * @param shutdownGrace on shutdown, how long running generations may finish before they are
 *     cancelled
 */
@ConfigurationProperties(InferenceConfig.PREFIX)
public record InferenceConfig(
    @Nullable String modelDir,
    @Nullable String modelId,
    @Nullable String adaptersDir,
    @Nullable List<String> adapterRoots,
    @Bindable(defaultValue = "fp32") String weights,
    @Bindable(defaultValue = "0") int threads,
    @Bindable(defaultValue = "8") int maxBatchSize,
    @Bindable(defaultValue = "64") int maxQueuedRequests,
    @Bindable(defaultValue = "4096") int maxPromptTokens,
    @Bindable(defaultValue = "1024") int maxTokens,
    @Bindable(defaultValue = "256") int defaultMaxTokens,
    @Bindable(defaultValue = "1GB") @ReadableBytes long kvCacheBytes,
    @Bindable(defaultValue = "256MB") @ReadableBytes long adapterCacheBytes,
    @Bindable(defaultValue = "10s") Duration shutdownGrace) {
  public static final String PREFIX = "armory.inference";

  /** The model directory, or an error saying how to set it. */
  public Path requireModelDir() {
    if (modelDir == null || modelDir.isBlank()) {
      throw new IllegalStateException(
          PREFIX
              + ".model-dir is not set: set ARMORY_INFERENCE_MODEL_DIR to a Hugging Face model"
              + " directory (or pass --model to armory serve)");
    }
    return Path.of(modelDir);
  }

  /** Directories LoadAdapter may read from: the adapters directory first, then the extra roots. */
  public List<Path> allowedAdapterRoots() {
    List<Path> roots = new ArrayList<>();
    if (adaptersDir != null && !adaptersDir.isBlank()) {
      roots.add(Path.of(adaptersDir));
    }
    if (adapterRoots != null) {
      adapterRoots.stream().filter(s -> !s.isBlank()).map(Path::of).forEach(roots::add);
    }
    return roots;
  }

  /** The engine configuration these settings describe; names the setting when one is invalid. */
  public EngineConfig engineConfig() {
    if (defaultMaxTokens < 1 || defaultMaxTokens > maxTokens) {
      throw new IllegalStateException(
          PREFIX
              + ".default-max-tokens is "
              + defaultMaxTokens
              + "; it must be between 1 and max-tokens ("
              + maxTokens
              + ")");
    }
    EngineLimits limits;
    try {
      limits =
          new EngineLimits(
              maxBatchSize, maxQueuedRequests, maxPromptTokens, maxTokens, kvCacheBytes);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          PREFIX + " limits are invalid (" + e.getMessage() + "): fix them in application.yml");
    }
    EngineConfig defaults = EngineConfig.defaults();
    return defaults
        .withWeights(WeightFormat.parse(weights))
        .withLimits(limits)
        .withAdapterBudgetBytes(adapterCacheBytes)
        .withSession(defaults.session().withThreads(threads));
  }
}
