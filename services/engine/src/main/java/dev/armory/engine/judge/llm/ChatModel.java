package dev.armory.engine.judge.llm;

import dev.armory.engine.tokenizer.ChatMessage;
import java.util.List;

/**
 * A chat model a judge can ask: in-process ({@link EngineChatModel}), an OpenAI-compatible HTTP
 * endpoint ({@code judge.external.OpenAiChatModel}), or the inference service's gRPC client.
 * Implementations must be safe to call from several threads.
 */
public interface ChatModel {

  /** Identifies the model in judge ids and records, e.g. {@code engine:qwen2-0.5b+judge-lora}. */
  String id();

  /**
   * The assistant's reply to {@code messages}.
   *
   * @throws JudgeCallException when no reply could be had; {@link JudgeCallException#fatal()} says
   *     whether further calls are pointless (bad credentials, unknown model, prompt too long for
   *     every call is not fatal)
   */
  String complete(List<ChatMessage> messages, ChatOptions options);
}
