package dev.armory.engine.judge.llm;

import dev.armory.engine.generate.ServingEngine;
import dev.armory.engine.tokenizer.ChatMessage;
import dev.armory.engine.tokenizer.ChatTemplate;
import dev.armory.engine.tokenizer.ChatTemplateException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns text into prompt token ids for a {@link ServingEngine}: raw text with the tokenizer's
 * special tokens (BOS where it adds one), or a conversation through the model's chat template with
 * the assistant header appended and no extra special tokens (as {@code apply_chat_template} does,
 * and as the trainer encodes chat data). Models without a template get a plain "### Role:" layout
 * for conversations. A template that rejects system messages gets the system text folded into the
 * first user message.
 */
public final class EnginePromptEncoder {
  private final ServingEngine engine;
  private final ChatTemplate template;

  public EnginePromptEncoder(ServingEngine engine) {
    this.engine = engine;
    if (engine.tokenizer() == null) {
      throw new IllegalArgumentException(
          "the engine's model has no tokenizer.json; text prompts need a tokenizer");
    }
    this.template = engine.tokenizer().chatTemplate().orElse(null);
  }

  /** Whether the model has a chat template. */
  public boolean hasChatTemplate() {
    return template != null;
  }

  /** Raw text, with the special tokens the tokenizer adds (usually BOS). */
  public int[] raw(String text) {
    return engine.encode(text, true);
  }

  /** A conversation, ready for the assistant's reply. */
  public int[] chat(List<ChatMessage> messages) {
    if (template == null) {
      return engine.encode(plainLayout(messages), true);
    }
    String text;
    try {
      text = template.render(messages, true);
    } catch (ChatTemplateException e) {
      if (messages.isEmpty() || !messages.get(0).role().equals("system")) {
        throw e;
      }
      text = template.render(foldSystem(messages), true);
    }
    return engine.encode(text, false);
  }

  static String plainLayout(List<ChatMessage> messages) {
    StringBuilder out = new StringBuilder();
    for (ChatMessage m : messages) {
      out.append("### ")
          .append(capitalised(m.role()))
          .append(":\n")
          .append(m.content())
          .append("\n\n");
    }
    return out.append("### Assistant:\n").toString();
  }

  private static String capitalised(String role) {
    return role.isEmpty() ? role : Character.toUpperCase(role.charAt(0)) + role.substring(1);
  }

  private static List<ChatMessage> foldSystem(List<ChatMessage> messages) {
    List<ChatMessage> out = new ArrayList<>(messages.subList(1, messages.size()));
    String system = messages.get(0).content();
    if (!out.isEmpty() && out.get(0).role().equals("user")) {
      out.set(0, ChatMessage.user(system + "\n\n" + out.get(0).content()));
    } else {
      out.add(0, ChatMessage.user(system));
    }
    return out;
  }
}
