package dev.armory.engine.judge.eval;

import dev.armory.engine.generate.SamplingParams;
import dev.armory.engine.judge.PromptFormat;
import java.util.Objects;

/**
 * How a win-rate evaluation answers and counts.
 *
 * @param format how prompts reach the model
 * @param sampling one answer per prompt and side; greedy by default. With a seed, prompt p uses
 *     seed + p on both sides (paired samples)
 * @param maxNewTokens most tokens per answer
 * @param adapterId the evaluated adapter (its id at the candidate source)
 * @param baselineAdapterId the adapter compared against, or null for the base model
 * @param adapterName how the report names the evaluated side
 * @param baselineName how the report names the baseline
 * @param tieHandling ties count half or are left out
 * @param confidence the Wilson interval's level, e.g. 0.95
 */
public record EvalOptions(
    PromptFormat format,
    SamplingParams sampling,
    int maxNewTokens,
    String adapterId,
    String baselineAdapterId,
    String adapterName,
    String baselineName,
    TieHandling tieHandling,
    double confidence) {
  public EvalOptions {
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(sampling, "sampling");
    Objects.requireNonNull(adapterName, "adapterName");
    Objects.requireNonNull(baselineName, "baselineName");
    Objects.requireNonNull(tieHandling, "tieHandling");
    if (maxNewTokens < 1) {
      throw new IllegalArgumentException("max new tokens must be >= 1, got " + maxNewTokens);
    }
    if (!(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException("confidence must be in (0, 1), got " + confidence);
    }
    if (Objects.equals(adapterId, baselineAdapterId)) {
      throw new IllegalArgumentException(
          "the adapter and the baseline are the same ("
              + (adapterId == null ? "the base model" : adapterId)
              + ")");
    }
  }

  /**
   * Greedy answers of up to 128 tokens, {@code adapterId} against the base model, ties counted
   * half, 95% interval.
   */
  public static EvalOptions of(PromptFormat format, String adapterId) {
    return new EvalOptions(
        format,
        SamplingParams.greedy(),
        128,
        adapterId,
        null,
        "adapter",
        "base",
        TieHandling.HALF,
        0.95);
  }

  public EvalOptions withBaseline(String id, String name) {
    return new EvalOptions(
        format, sampling, maxNewTokens, adapterId, id, adapterName, name, tieHandling, confidence);
  }

  public EvalOptions withAdapterName(String name) {
    return new EvalOptions(
        format,
        sampling,
        maxNewTokens,
        adapterId,
        baselineAdapterId,
        name,
        baselineName,
        tieHandling,
        confidence);
  }

  public EvalOptions withSampling(SamplingParams s) {
    return new EvalOptions(
        format,
        s,
        maxNewTokens,
        adapterId,
        baselineAdapterId,
        adapterName,
        baselineName,
        tieHandling,
        confidence);
  }

  public EvalOptions withMaxNewTokens(int n) {
    return new EvalOptions(
        format,
        sampling,
        n,
        adapterId,
        baselineAdapterId,
        adapterName,
        baselineName,
        tieHandling,
        confidence);
  }

  public EvalOptions withTieHandling(TieHandling t) {
    return new EvalOptions(
        format,
        sampling,
        maxNewTokens,
        adapterId,
        baselineAdapterId,
        adapterName,
        baselineName,
        t,
        confidence);
  }

  public EvalOptions withConfidence(double c) {
    return new EvalOptions(
        format,
        sampling,
        maxNewTokens,
        adapterId,
        baselineAdapterId,
        adapterName,
        baselineName,
        tieHandling,
        c);
  }
}
