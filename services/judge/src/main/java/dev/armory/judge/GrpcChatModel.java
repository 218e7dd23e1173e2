package dev.armory.judge;

import dev.armory.engine.judge.llm.ChatModel;
import dev.armory.engine.judge.llm.ChatOptions;
import dev.armory.engine.judge.llm.JudgeCallException;
import dev.armory.engine.tokenizer.ChatMessage;
import dev.armory.proto.inference.v1.ChatPrompt;
import dev.armory.proto.inference.v1.FinishReason;
import dev.armory.proto.inference.v1.GenerateRequest;
import dev.armory.proto.inference.v1.GenerateResponse;
import dev.armory.proto.inference.v1.SamplingParams;
import java.util.List;
import java.util.Objects;

/**
 * An LLM judge served by an inference service (any served model, with or without an adapter), asked
 * over gRPC with the model's chat template. A busy or unavailable server is retried a few times
 * with backoff, then the pair is dropped; an unknown model or adapter is fatal (every call would
 * fail the same way).
 */
public final class GrpcChatModel implements ChatModel {
  private static final int ATTEMPTS = 3;

  private final InferenceClient client;
  private final String model;
  private final String adapterId;
  private final String id;

  /**
   * @param model the served model's id requests name (empty: whatever the server serves)
   * @param adapterId the adapter to judge with, or null for the base model
   * @param id names the judge in records, e.g. {@code tiny-llama+judge-lora}
   */
  public GrpcChatModel(InferenceClient client, String model, String adapterId, String id) {
    this.client = Objects.requireNonNull(client, "client");
    this.model = model == null ? "" : model;
    this.adapterId = adapterId;
    this.id = Objects.requireNonNull(id, "id");
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String complete(List<ChatMessage> messages, ChatOptions options) {
    ChatPrompt.Builder chat = ChatPrompt.newBuilder();
    for (ChatMessage m : messages) {
      chat.addMessages(
          dev.armory.proto.inference.v1.ChatMessage.newBuilder()
              .setRole(m.role())
              .setContent(m.content()));
    }
    SamplingParams.Builder sampling = SamplingParams.newBuilder();
    if (options.temperature() > 0) {
      sampling.setTemperature(options.temperature());
      if (options.seed() != null) {
        sampling.setSeed(options.seed());
      }
    }
    GenerateRequest.Builder request =
        GenerateRequest.newBuilder()
            .setChat(chat)
            .setModel(model)
            .setSampling(sampling)
            .setMaxTokens(options.maxTokens());
    if (adapterId != null) {
      request.setAdapterId(adapterId);
    }
    InferenceCallException last = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (attempt > 0) {
        pause(200L << attempt);
      }
      GenerateResponse r;
      try {
        r = client.generate(request.build());
      } catch (InferenceCallException e) {
        if (e.permanent()) {
          // INVALID_ARGUMENT is usually this pair's prompt being too long: only the pair is lost.
          boolean thisPairOnly = e.code() == io.grpc.Status.Code.INVALID_ARGUMENT;
          throw new JudgeCallException("judge " + id + ": " + e.getMessage(), !thisPairOnly, e);
        }
        last = e;
        continue;
      }
      FinishReason finish = r.getFinish().getFinishReason();
      if (finish == FinishReason.FINISH_REASON_ERROR
          || finish == FinishReason.FINISH_REASON_CANCELLED) {
        throw new JudgeCallException(
            "judge " + id + " failed (" + finish + "): " + r.getFinish().getError(), false);
      }
      return r.getText();
    }
    throw new JudgeCallException(
        "judge " + id + ": no reply after " + ATTEMPTS + " attempts: " + last.getMessage(),
        false,
        last);
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new JudgeCallException("interrupted while waiting to retry the judge", true, e);
    }
  }

  @Override
  public String toString() {
    return "GrpcChatModel[" + id + " @ " + client.target() + "]";
  }
}
