package dev.armory.engine.data;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * One validated dataset record in Armory's normalised model. Chat and ShareGPT lines (and
 * conversational prompt/completion lines) become {@link Conversation}s; Alpaca lines stay {@link
 * Instruction}s because without a chat template they use the fixed {@link AlpacaPrompt} layout.
 * {@link #toJson()} is the normalised JSONL form: reading it back gives an equal record.
 */
public sealed interface DataRecord {

  /** The normalised JSON object of this record (one JSONL line of a normalised dataset). */
  ObjectNode toJson();

  /** True for preference pairs (DPO data); false for supervised fine-tuning data. */
  default boolean isPreference() {
    return false;
  }

  /** A conversation; loss goes on assistant turns unless training on inputs. */
  record Conversation(List<Message> messages) implements DataRecord {
    public Conversation {
      messages = List.copyOf(messages);
    }

    @Override
    public ObjectNode toJson() {
      ObjectNode node = JsonNodeFactory.instance.objectNode();
      node.set("messages", messagesJson(messages));
      return node;
    }
  }

  /** An Alpaca instruction; {@code input} is empty when the line had none. */
  record Instruction(String instruction, String input, String output) implements DataRecord {
    public Instruction {
      Objects.requireNonNull(instruction, "instruction");
      Objects.requireNonNull(input, "input");
      Objects.requireNonNull(output, "output");
    }

    /** The instruction as a user turn (input appended after a blank line) and the answer. */
    public Conversation toConversation() {
      String user = input.isEmpty() ? instruction : instruction + "\n\n" + input;
      return new Conversation(List.of(Message.user(user), Message.assistant(output)));
    }

    @Override
    public ObjectNode toJson() {
      ObjectNode node = JsonNodeFactory.instance.objectNode();
      node.put("instruction", instruction);
      node.put("input", input);
      node.put("output", output);
      return node;
    }
  }

  /** Plain text prompt and completion; the prompt is masked, completion and EOS are trained. */
  record Completion(String prompt, String completion) implements DataRecord {
    public Completion {
      Objects.requireNonNull(prompt, "prompt");
      Objects.requireNonNull(completion, "completion");
    }

    @Override
    public ObjectNode toJson() {
      ObjectNode node = JsonNodeFactory.instance.objectNode();
      node.put("prompt", prompt);
      node.put("completion", completion);
      return node;
    }
  }

  /** Raw text for domain adaptation: every token and EOS are trained. */
  record Text(String text) implements DataRecord {
    public Text {
      Objects.requireNonNull(text, "text");
    }

    @Override
    public ObjectNode toJson() {
      ObjectNode node = JsonNodeFactory.instance.objectNode();
      node.put("text", text);
      return node;
    }
  }

  /** A preference pair of plain strings: the completions follow the prompt text directly. */
  record TextPreference(String prompt, String chosen, String rejected) implements DataRecord {
    public TextPreference {
      Objects.requireNonNull(prompt, "prompt");
      Objects.requireNonNull(chosen, "chosen");
      Objects.requireNonNull(rejected, "rejected");
    }

    @Override
    public boolean isPreference() {
      return true;
    }

    @Override
    public ObjectNode toJson() {
      ObjectNode node = JsonNodeFactory.instance.objectNode();
      node.put("prompt", prompt);
      node.put("chosen", chosen);
      node.put("rejected", rejected);
      return node;
    }
  }

  /**
   * A chat-formatted preference pair: the prompt conversation, and the chosen and rejected
   * assistant answers (assistant turns only), rendered with the chat template.
   */
  record ChatPreference(List<Message> prompt, List<Message> chosen, List<Message> rejected)
      implements DataRecord {
    public ChatPreference {
      prompt = List.copyOf(prompt);
      chosen = List.copyOf(chosen);
      rejected = List.copyOf(rejected);
    }

    @Override
    public boolean isPreference() {
      return true;
    }

    @Override
    public ObjectNode toJson() {
      ObjectNode node = JsonNodeFactory.instance.objectNode();
      node.set("prompt", messagesJson(prompt));
      node.set("chosen", messagesJson(chosen));
      node.set("rejected", messagesJson(rejected));
      return node;
    }
  }

  private static ArrayNode messagesJson(List<Message> messages) {
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    for (Message message : messages) {
      ObjectNode m = array.addObject();
      m.put("role", message.role().wireName());
      m.put("content", message.content());
    }
    return array;
  }
}
