package dev.armory.engine.generate;

/**
 * How the next token is picked from the logits, in Hugging Face's order: repetition penalty, then
 * temperature, top-k and top-p, then a draw from the renormalised distribution.
 *
 * @param temperature 0 for greedy (argmax), else the softmax temperature
 * @param topK keep the k most likely tokens (0: all)
 * @param topP keep the smallest set of most likely tokens whose probability reaches p (1: all)
 * @param repetitionPenalty CTRL's penalty on tokens already in the prompt or output: a positive
 *     logit is divided by it, a negative one multiplied (1: off)
 * @param seed seeds the request's own generator so a request is reproducible; null draws one
 */
public record SamplingParams(
    double temperature, int topK, double topP, double repetitionPenalty, Long seed) {
  public SamplingParams {
    if (!(temperature >= 0) || Double.isInfinite(temperature)) {
      throw new InvalidRequestException(
          "temperature must be a finite number >= 0 (0 = greedy), got " + temperature);
    }
    if (topK < 0) {
      throw new InvalidRequestException("top_k must be >= 0 (0 = off), got " + topK);
    }
    if (!(topP > 0 && topP <= 1)) {
      throw new InvalidRequestException("top_p must be in (0, 1] (1 = off), got " + topP);
    }
    if (!(repetitionPenalty > 0) || Double.isInfinite(repetitionPenalty)) {
      throw new InvalidRequestException(
          "repetition_penalty must be a finite number > 0 (1 = off), got " + repetitionPenalty);
    }
  }

  /** Always the most likely token. */
  public static SamplingParams greedy() {
    return new SamplingParams(0, 0, 1, 1, null);
  }

  /** Plain sampling at {@code temperature} with a fixed seed. */
  public static SamplingParams sampled(double temperature, long seed) {
    return new SamplingParams(temperature, 0, 1, 1, seed);
  }

  public SamplingParams withTopK(int k) {
    return new SamplingParams(temperature, k, topP, repetitionPenalty, seed);
  }

  public SamplingParams withTopP(double p) {
    return new SamplingParams(temperature, topK, p, repetitionPenalty, seed);
  }

  public SamplingParams withRepetitionPenalty(double penalty) {
    return new SamplingParams(temperature, topK, topP, penalty, seed);
  }

  public SamplingParams withSeed(Long s) {
    return new SamplingParams(temperature, topK, topP, repetitionPenalty, s);
  }

  public boolean isGreedy() {
    return temperature == 0;
  }
}
