package dev.armory.engine.judge.llm;

import dev.armory.engine.generate.DecodeEngine;
import dev.armory.engine.generate.FinishReason;
import dev.armory.engine.generate.GenerationRequest;
import dev.armory.engine.generate.GenerationResult;
import dev.armory.engine.generate.InvalidRequestException;
import dev.armory.engine.generate.QueueFullException;
import dev.armory.engine.generate.SamplingParams;
import dev.armory.engine.generate.adapters.UnknownAdapterException;
import dev.armory.engine.tokenizer.ChatMessage;
import java.util.List;
import java.util.Objects;

/**
 * A chat model served in-process by a {@link DecodeEngine}, on the base weights or with one of the
 * engine's registered adapters. Conversations go through the model's chat template ({@link
 * EnginePromptEncoder}).
 */
public final class EngineChatModel implements ChatModel {
  private final DecodeEngine engine;
  private final EnginePromptEncoder encoder;
  private final String adapterId;
  private final String id;

  /**
   * @param adapterId a registered adapter of {@code engine}, or null for the base model
   * @param id names the model in judge ids (e.g. the model directory's name and the adapter's)
   */
  public EngineChatModel(DecodeEngine engine, String adapterId, String id) {
    this.engine = Objects.requireNonNull(engine, "engine");
    this.encoder = new EnginePromptEncoder(engine);
    this.adapterId = adapterId;
    this.id = Objects.requireNonNull(id, "id");
    if (adapterId != null && !engine.adapters().isRegistered(adapterId)) {
      throw new IllegalArgumentException(
          "adapter '" + adapterId + "' is not registered with the judge's engine");
    }
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String complete(List<ChatMessage> messages, ChatOptions options) {
    int[] prompt = encoder.chat(messages);
    SamplingParams sampling =
        options.temperature() == 0
            ? SamplingParams.greedy()
            : new SamplingParams(options.temperature(), 0, 1, 1, options.seed());
    GenerationResult result;
    try {
      result =
          engine.generate(
              new GenerationRequest(prompt, adapterId, sampling, options.maxTokens(), List.of()));
    } catch (InvalidRequestException e) {
      // Usually a judge prompt longer than the model's context: this pair only.
      throw new JudgeCallException(
          "judge " + id + " cannot take the request: " + e.getMessage(), false, e);
    } catch (QueueFullException e) {
      throw new JudgeCallException("judge " + id + " is busy: " + e.getMessage(), false, e);
    } catch (UnknownAdapterException e) {
      throw new JudgeCallException("judge " + id + ": " + e.getMessage(), true, e);
    }
    if (result.finishReason() == FinishReason.ERROR
        || result.finishReason() == FinishReason.CANCELLED) {
      throw new JudgeCallException(
          "judge "
              + id
              + " failed: "
              + (result.error() != null ? result.error() : result.finishReason()),
          false);
    }
    return result.text();
  }

  @Override
  public String toString() {
    return "EngineChatModel[" + id + "]";
  }
}
