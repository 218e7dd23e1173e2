package dev.armory.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The judge options {@code armory judge pairs} and {@code armory judge eval} share. */
final class JudgeOptions {
  @Option(
      names = "--constitution",
      paramLabel = "FILE",
      description =
          "YAML constitution: rules (required/forbidden regex patterns, JSON Schema validity, min/max"
              + " length in chars or tokens), each veto or score, applied before any LLM is asked;"
              + " its optional 'rubric' instructs the LLM judges.")
  Path constitution;

  @Option(
      names = "--llm-judge-model",
      paramLabel = "DIR",
      description =
          "Model directory of an in-process LLM judge (may be the candidate model). It compares two"
              + " answers in both orders; a pair counts only when both orders agree.")
  Path llmJudgeModel;

  @Option(
      names = "--llm-judge-adapter",
      paramLabel = "DIR",
      description = "LoRA adapter (PEFT directory) applied to the in-process LLM judge.")
  Path llmJudgeAdapter;

  @Option(
      names = "--external-judge-url",
      paramLabel = "URL",
      description =
          "Base URL of an OpenAI-compatible chat-completions endpoint used as a judge, e.g."
              + " https://api.openai.com/v1 (requests go to URL/chat/completions).")
  String externalUrl;

  @Option(
      names = "--external-judge-model",
      paramLabel = "NAME",
      description = "Model name sent to the external judge endpoint.")
  String externalModel;

  @Option(
      names = "--api-key-env",
      paramLabel = "VAR",
      description =
          "Environment variable holding the external judge's API key (sent as a bearer token,"
              + " never printed). Omit for endpoints without authentication.")
  String apiKeyEnv;

  @Option(
      names = "--external-timeout",
      defaultValue = "60",
      paramLabel = "SECONDS",
      description = "Time-out per external judge request (default: ${DEFAULT-VALUE}).")
  double externalTimeoutSeconds;

  @Option(
      names = "--external-retries",
      defaultValue = "4",
      paramLabel = "N",
      description =
          "Retries of an external judge request on 408/409/429/5xx, time-outs and connection"
              + " errors, with exponential backoff and jitter; Retry-After is honoured (default:"
              + " ${DEFAULT-VALUE}).")
  int externalRetries;

  @Option(
      names = "--external-rps",
      defaultValue = "2",
      paramLabel = "R",
      description =
          "Client-side rate limit: at most R external judge requests start per second, retries"
              + " included; 0 for no limit (default: ${DEFAULT-VALUE}).")
  double externalRps;

  @Option(
      names = "--judge-max-tokens",
      defaultValue = "256",
      paramLabel = "N",
      description = "Most tokens in a judge's reply (default: ${DEFAULT-VALUE}).")
  int judgeMaxTokens;

  @Option(
      names = "--judge-temperature",
      defaultValue = "0",
      paramLabel = "T",
      description = "Judge sampling temperature; 0 (the default) is greedy and reproducible.")
  double judgeTemperature;

  @Option(
      names = "--threads",
      defaultValue = "0",
      paramLabel = "N",
      description = "CPU threads for ONNX Runtime; 0 (the default) uses one per core.")
  int threads;

  boolean hasAnyJudge() {
    return constitution != null || llmJudgeModel != null || externalUrl != null;
  }
}
