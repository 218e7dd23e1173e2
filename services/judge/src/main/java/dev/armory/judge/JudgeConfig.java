package dev.armory.judge;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;
import java.util.Locale;

/**
 * The judge service's settings under {@code armory.judge} (application.yml; environment variables
 * such as ARMORY_JUDGE_INFERENCE_TARGET override them).
 *
 * @param groupId Kafka consumer group, also the scope of the idempotency records
 * @param inferenceTarget gRPC target (host:port) of the inference service serving the candidates
 * @param llmJudgeTarget gRPC target of the inference service serving the LLM judge; empty = the
 *     candidates' one
 * @param promptFormat auto, raw or chat: how prompts reach the candidate model
 * @param samplesPerPrompt K when a request leaves samples_per_prompt 0
 * @param temperature candidate temperature when a request leaves it 0
 * @param maxNewTokens candidate length when a request leaves max_new_tokens 0
 * @param judgeMaxTokens most tokens of an LLM judge's reply
 * @param callTimeout deadline of one gRPC generation
 * @param maxPrompts prompts judged per request (0 = all)
 * @param evalFraction fraction of pairs held out as the dataset's eval.jsonl
 * @param splitSeed seed of the train/eval split
 * @param externalTimeout per-call time-out of an OpenAI-compatible judge
 * @param externalRetries its retries (429, 5xx) with exponential backoff
 * @param externalRequestsPerSecond its rate limit (0 = none)
 */
@ConfigurationProperties("armory.judge")
public record JudgeConfig(
    @Bindable(defaultValue = "judge") String groupId,
    @Bindable(defaultValue = "127.0.0.1:50051") String inferenceTarget,
    @Bindable(defaultValue = "") String llmJudgeTarget,
    @Bindable(defaultValue = "auto") String promptFormat,
    @Bindable(defaultValue = "4") int samplesPerPrompt,
    @Bindable(defaultValue = "1.0") double temperature,
    @Bindable(defaultValue = "128") int maxNewTokens,
    @Bindable(defaultValue = "64") int judgeMaxTokens,
    @Bindable(defaultValue = "120s") Duration callTimeout,
    @Bindable(defaultValue = "0") int maxPrompts,
    @Bindable(defaultValue = "0.1") double evalFraction,
    @Bindable(defaultValue = "42") long splitSeed,
    @Bindable(defaultValue = "60s") Duration externalTimeout,
    @Bindable(defaultValue = "4") int externalRetries,
    @Bindable(defaultValue = "2") double externalRequestsPerSecond) {

  public JudgeConfig {
    String f = promptFormat.toLowerCase(Locale.ROOT);
    if (!f.equals("auto") && !f.equals("raw") && !f.equals("chat")) {
      throw new IllegalArgumentException(
          "armory.judge.prompt-format must be auto, raw or chat, got " + promptFormat);
    }
    if (samplesPerPrompt < 2) {
      throw new IllegalArgumentException(
          "armory.judge.samples-per-prompt must be >= 2 to form pairs, got " + samplesPerPrompt);
    }
    if (!(temperature > 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException(
          "armory.judge.temperature must be a finite number > 0, got " + temperature);
    }
    if (maxNewTokens < 1 || judgeMaxTokens < 1) {
      throw new IllegalArgumentException(
          "armory.judge.max-new-tokens and judge-max-tokens must be >= 1");
    }
    if (!(evalFraction >= 0 && evalFraction < 1)) {
      throw new IllegalArgumentException(
          "armory.judge.eval-fraction must be in [0, 1), got " + evalFraction);
    }
    if (maxPrompts < 0) {
      throw new IllegalArgumentException("armory.judge.max-prompts must be >= 0 (0 = all)");
    }
  }

  /** The LLM judge's gRPC target: {@link #llmJudgeTarget} or, when empty, the candidates'. */
  public String judgeTarget() {
    return llmJudgeTarget == null || llmJudgeTarget.isBlank() ? inferenceTarget : llmJudgeTarget;
  }
}
