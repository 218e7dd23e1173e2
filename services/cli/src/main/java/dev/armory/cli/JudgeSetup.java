package dev.armory.cli;

import dev.armory.engine.generate.DecodeEngine;
import dev.armory.engine.generate.EngineConfig;
import dev.armory.engine.judge.EngineCandidateSource;
import dev.armory.engine.judge.JudgePanel;
import dev.armory.engine.judge.PromptFormat;
import dev.armory.engine.judge.external.OpenAiChatModel;
import dev.armory.engine.judge.external.OpenAiEndpoint;
import dev.armory.engine.judge.llm.ChatModel;
import dev.armory.engine.judge.llm.ChatOptions;
import dev.armory.engine.judge.llm.EngineChatModel;
import dev.armory.engine.judge.llm.LlmPairwiseJudge;
import dev.armory.engine.judge.llm.PairwisePrompt;
import dev.armory.engine.judge.rules.Constitution;
import dev.armory.engine.runtime.SessionConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * Opens what a judge command needs: the candidate model's engine (with its adapters registered),
 * the in-process judge's engine (the same one when the judge is the candidate model), the external
 * judge client, the constitution, and from them the candidate source and the judge panel.
 */
final class JudgeSetup implements AutoCloseable {
  private final List<DecodeEngine> engines = new ArrayList<>();
  private final DecodeEngine candidates;
  private final List<ChatModel> chatModels = new ArrayList<>();
  private final Constitution constitution;
  private final JudgePanel panel;

  /**
   * @param adapters candidate-side adapters by id (e.g. "adapter", "baseline")
   */
  JudgeSetup(CommandLine cmd, Path model, Map<String, Path> adapters, JudgeOptions o)
      throws IOException {
    validate(cmd, o);
    try {
      SessionConfig session = SessionConfig.defaults().withThreads(o.threads);
      EngineConfig config = EngineConfig.defaults().withSession(session);
      candidates = DecodeEngine.open(model, config);
      engines.add(candidates);
      for (Map.Entry<String, Path> a : adapters.entrySet()) {
        candidates.adapters().register(a.getKey(), a.getValue());
      }
      constitution = o.constitution == null ? null : Constitution.read(o.constitution);
      if (o.llmJudgeModel != null) {
        boolean same = Files.isSameFile(o.llmJudgeModel, model);
        DecodeEngine judge = same ? candidates : DecodeEngine.open(o.llmJudgeModel, config);
        if (!same) {
          engines.add(judge);
        }
        String adapterId = null;
        String id = name(o.llmJudgeModel);
        if (o.llmJudgeAdapter != null) {
          adapterId = "judge";
          judge.adapters().register(adapterId, o.llmJudgeAdapter);
          id += "+" + name(o.llmJudgeAdapter);
        }
        chatModels.add(new EngineChatModel(judge, adapterId, id));
      }
      if (o.externalUrl != null) {
        OpenAiEndpoint endpoint =
            OpenAiEndpoint.of(o.externalUrl, o.externalModel)
                .withApiKeyEnv(o.apiKeyEnv)
                .withTimeout(Duration.ofMillis(Math.round(o.externalTimeoutSeconds * 1000)))
                .withRetries(o.externalRetries, Duration.ofMillis(500), Duration.ofSeconds(20))
                .withRequestsPerSecond(o.externalRps);
        chatModels.add(OpenAiChatModel.create(endpoint));
      }
      PairwisePrompt prompt =
          constitution != null && constitution.rubric() != null
              ? new PairwisePrompt(constitution.rubric())
              : PairwisePrompt.defaults();
      List<LlmPairwiseJudge> judges = new ArrayList<>();
      for (ChatModel m : chatModels) {
        judges.add(new LlmPairwiseJudge(m, prompt, chatOptions(o)));
      }
      panel = new JudgePanel(constitution, judges);
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  private static void validate(CommandLine cmd, JudgeOptions o) {
    if (!o.hasAnyJudge()) {
      throw new ParameterException(
          cmd, "give a judge: --constitution, --llm-judge-model and/or --external-judge-url");
    }
    if ((o.externalUrl == null) != (o.externalModel == null)) {
      throw new ParameterException(
          cmd, "--external-judge-url and --external-judge-model go together");
    }
    if (o.apiKeyEnv != null && o.externalUrl == null) {
      throw new ParameterException(
          cmd, "--api-key-env is for the external judge: add --external-judge-url");
    }
    if (o.llmJudgeAdapter != null && o.llmJudgeModel == null) {
      throw new ParameterException(cmd, "--llm-judge-adapter needs --llm-judge-model");
    }
    if (o.judgeMaxTokens < 1) {
      throw new ParameterException(cmd, "--judge-max-tokens must be >= 1, was " + o.judgeMaxTokens);
    }
    if (!(o.judgeTemperature >= 0) || Double.isInfinite(o.judgeTemperature)) {
      throw new ParameterException(
          cmd, "--judge-temperature must be >= 0, was " + o.judgeTemperature);
    }
    if (!(o.externalTimeoutSeconds > 0)) {
      throw new ParameterException(cmd, "--external-timeout must be > 0 seconds");
    }
    if (o.externalRetries < 0 || !(o.externalRps >= 0)) {
      throw new ParameterException(cmd, "--external-retries and --external-rps must be >= 0");
    }
    if (o.threads < 0) {
      throw new ParameterException(cmd, "--threads must be >= 0, was " + o.threads);
    }
  }

  static ChatOptions chatOptions(JudgeOptions o) {
    return new ChatOptions(
        o.judgeMaxTokens, o.judgeTemperature, o.judgeTemperature > 0 ? 0L : null);
  }

  private static String name(Path dir) {
    Path n = dir.toAbsolutePath().normalize().getFileName();
    return n == null ? dir.toString() : n.toString();
  }

  /** Resolves --prompt-format: auto is chat when the candidate model has a chat template. */
  PromptFormat format(CommandLine cmd, String choice) {
    EngineCandidateSource source = source();
    return switch (choice.toLowerCase(java.util.Locale.ROOT)) {
      case "auto" -> source.hasChatTemplate() ? PromptFormat.CHAT : PromptFormat.RAW;
      case "raw" -> PromptFormat.RAW;
      case "chat" -> {
        if (!source.hasChatTemplate()) {
          throw new ParameterException(
              cmd, "--prompt-format chat: the model has no chat template; use raw");
        }
        yield PromptFormat.CHAT;
      }
      default ->
          throw new ParameterException(
              cmd, "--prompt-format must be auto, raw or chat, was " + choice);
    };
  }

  EngineCandidateSource source() {
    return new EngineCandidateSource(candidates);
  }

  JudgePanel panel() {
    return panel;
  }

  /** The LLM judges' chat models, in-process first. */
  List<ChatModel> chatModels() {
    return chatModels;
  }

  static Map<String, Path> adapters(Object... idAndDir) {
    Map<String, Path> out = new LinkedHashMap<>();
    for (int i = 0; i < idAndDir.length; i += 2) {
      if (idAndDir[i + 1] != null) {
        out.put((String) idAndDir[i], (Path) idAndDir[i + 1]);
      }
    }
    return out;
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (DecodeEngine e : engines) {
      try {
        e.close();
      } catch (IOException x) {
        first = first == null ? x : first;
      }
    }
    engines.clear();
    if (first != null) {
      throw first;
    }
  }
}
