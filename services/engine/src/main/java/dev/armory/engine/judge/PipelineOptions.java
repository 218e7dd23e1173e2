package dev.armory.engine.judge;

import dev.armory.engine.generate.SamplingParams;
import java.util.Objects;

/**
 * How a preference run samples and judges.
 *
 * @param format how prompts reach the candidate model (and how pairs are written)
 * @param k answers sampled per prompt (at least 2 to form a pair)
 * @param sampling sampling of candidates; with a seed s, prompt p's sample i uses seed s + p·k + i
 * @param maxNewTokens most tokens per answer
 * @param adapterId the candidate adapter, or null for the base model
 * @param parallelism pairs of one prompt judged at once (1: one after another)
 */
public record PipelineOptions(
    PromptFormat format,
    int k,
    SamplingParams sampling,
    int maxNewTokens,
    String adapterId,
    int parallelism) {
  public PipelineOptions {
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(sampling, "sampling");
    if (k < 2) {
      throw new IllegalArgumentException("k must be at least 2 to form pairs, got " + k);
    }
    if (maxNewTokens < 1) {
      throw new IllegalArgumentException("max new tokens must be >= 1, got " + maxNewTokens);
    }
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be >= 1, got " + parallelism);
    }
  }

  /** k = 4 samples at temperature 1 from seed 0, 128 new tokens, base model, one pair at a time. */
  public static PipelineOptions defaults(PromptFormat format) {
    return new PipelineOptions(format, 4, SamplingParams.sampled(1.0, 0), 128, null, 1);
  }

  public PipelineOptions withK(int n) {
    return new PipelineOptions(format, n, sampling, maxNewTokens, adapterId, parallelism);
  }

  public PipelineOptions withSampling(SamplingParams s) {
    return new PipelineOptions(format, k, s, maxNewTokens, adapterId, parallelism);
  }

  public PipelineOptions withMaxNewTokens(int n) {
    return new PipelineOptions(format, k, sampling, n, adapterId, parallelism);
  }

  public PipelineOptions withAdapter(String id) {
    return new PipelineOptions(format, k, sampling, maxNewTokens, id, parallelism);
  }

  public PipelineOptions withParallelism(int n) {
    return new PipelineOptions(format, k, sampling, maxNewTokens, adapterId, n);
  }
}
