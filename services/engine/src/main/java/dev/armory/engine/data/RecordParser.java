package dev.armory.engine.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Turns one JSON object into a validated {@link DataRecord}. The format is detected from the keys
 * in this order: {@code messages} (chat), {@code conversations} (ShareGPT), {@code chosen}/{@code
 * rejected} (preference), {@code instruction} (Alpaca), {@code completion} (prompt/completion),
 * {@code text} (raw text). Null values count as absent, other keys are ignored.
 */
final class RecordParser {

  /** A parsed line: the format it was read as and the normalised record. */
  record Parsed(DataFormat format, DataRecord record) {}

  private RecordParser() {}

  /**
   * Parses {@code node} as {@code format}, or as its detected format when {@code format} is null.
   */
  static Parsed parse(JsonNode node, DataFormat format) throws InvalidRecordException {
    if (!node.isObject()) {
      throw new InvalidRecordException(
          "not a JSON object (found " + typeName(node) + "); each line must hold one object");
    }
    if (format == null) {
      DataFormat detected = detect(node);
      return new Parsed(detected, parseAs(node, detected));
    }
    try {
      return new Parsed(format, parseAs(node, format));
    } catch (InvalidRecordException e) {
      DataFormat looksLike = detectOrNull(node);
      if (looksLike != null && looksLike != format) {
        throw new InvalidRecordException(
            e.getMessage()
                + " (the line looks like "
                + looksLike
                + " but the format is "
                + format
                + ")");
      }
      throw e;
    }
  }

  static DataFormat detect(JsonNode node) throws InvalidRecordException {
    if (node.hasNonNull("messages")) {
      return DataFormat.CHAT;
    }
    if (node.hasNonNull("conversations")) {
      return DataFormat.SHAREGPT;
    }
    if (node.hasNonNull("chosen") || node.hasNonNull("rejected")) {
      return DataFormat.PREFERENCE;
    }
    if (node.hasNonNull("instruction")) {
      return DataFormat.ALPACA;
    }
    if (node.hasNonNull("completion")) {
      return DataFormat.PROMPT_COMPLETION;
    }
    if (node.hasNonNull("prompt")) {
      throw new InvalidRecordException(
          "has 'prompt' but neither 'completion' (prompt/completion) nor 'chosen' and 'rejected'"
              + " (preference)");
    }
    if (node.hasNonNull("text")) {
      return DataFormat.TEXT;
    }
    if (node.hasNonNull("output")) {
      throw new InvalidRecordException("missing 'instruction' (the line has an Alpaca 'output')");
    }
    StringBuilder expected = new StringBuilder();
    for (DataFormat f : DataFormat.values()) {
      expected.append(expected.length() == 0 ? "" : "; ").append(f).append(": ").append(f.keys());
    }
    throw new InvalidRecordException(
        "no known keys (found " + keyList(node) + "); expected one of " + expected);
  }

  private static DataFormat detectOrNull(JsonNode node) {
    try {
      return detect(node);
    } catch (InvalidRecordException e) {
      return null;
    }
  }

  private static DataRecord parseAs(JsonNode node, DataFormat format)
      throws InvalidRecordException {
    return switch (format) {
      case ALPACA -> alpaca(node);
      case CHAT -> chat(node);
      case SHAREGPT -> shareGpt(node);
      case PROMPT_COMPLETION -> promptCompletion(node);
      case TEXT -> new DataRecord.Text(nonBlank(node, "text"));
      case PREFERENCE -> preference(node);
    };
  }

  private static DataRecord alpaca(JsonNode node) throws InvalidRecordException {
    String instruction = nonBlank(node, "instruction");
    String input = node.hasNonNull("input") ? string(node, "input") : "";
    return new DataRecord.Instruction(instruction, input, nonBlank(node, "output"));
  }

  private static DataRecord chat(JsonNode node) throws InvalidRecordException {
    List<Message> messages = messages(node, "messages");
    ConversationRules.validate(messages);
    return new DataRecord.Conversation(messages);
  }

  private static DataRecord shareGpt(JsonNode node) throws InvalidRecordException {
    JsonNode turns = list(node, "conversations");
    List<Message> messages = new ArrayList<>();
    for (int i = 0; i < turns.size(); i++) {
      JsonNode turn = turns.get(i);
      String where = "turn " + (i + 1);
      if (!turn.isObject()) {
        throw new InvalidRecordException(
            where + " must be an object with 'from' and 'value', found " + typeName(turn));
      }
      String from = field(turn, "from", where);
      String value = field(turn, "value", where);
      messages.add(new Message(shareGptRole(from, where), value));
    }
    ConversationRules.validate(messages);
    return new DataRecord.Conversation(messages);
  }

  private static Role shareGptRole(String from, String where) throws InvalidRecordException {
    switch (from.toLowerCase(Locale.ROOT)) {
      case "human", "user":
        return Role.USER;
      case "gpt", "assistant", "chatgpt", "model":
        return Role.ASSISTANT;
      case "system":
        return Role.SYSTEM;
      case "function_call", "observation", "tool", "function", "function_response":
        throw new InvalidRecordException(
            where
                + " is from '"
                + from
                + "': tool and function-call turns are not supported for training; remove"
                + " those turns or lines");
      default:
        throw new InvalidRecordException(
            where + " is from unknown speaker '" + from + "'; expected human, gpt or system");
    }
  }

  private static DataRecord promptCompletion(JsonNode node) throws InvalidRecordException {
    JsonNode prompt = node.get("prompt");
    JsonNode completion = node.get("completion");
    if (completion == null || completion.isNull()) {
      throw new InvalidRecordException("missing 'completion'");
    }
    if (prompt != null && prompt.isArray() && completion.isArray()) {
      List<Message> promptMessages = messages(node, "prompt");
      List<Message> answer = messages(node, "completion");
      ConversationRules.requireAssistantOnly(answer, "completion");
      List<Message> all = new ArrayList<>(promptMessages);
      all.addAll(answer);
      ConversationRules.validate(all);
      return new DataRecord.Conversation(all);
    }
    if (prompt == null || prompt.isNull()) {
      throw new InvalidRecordException("missing 'prompt'");
    }
    if (prompt.isArray() || completion.isArray()) {
      throw new InvalidRecordException(
          "'prompt' and 'completion' must both be strings or both be message lists (found "
              + typeName(prompt)
              + " and "
              + typeName(completion)
              + ")");
    }
    return new DataRecord.Completion(string(node, "prompt"), nonBlank(node, "completion"));
  }

  private static DataRecord preference(JsonNode node) throws InvalidRecordException {
    JsonNode chosen = node.get("chosen");
    JsonNode rejected = node.get("rejected");
    if (chosen == null || chosen.isNull()) {
      throw new InvalidRecordException("missing 'chosen'");
    }
    if (rejected == null || rejected.isNull()) {
      throw new InvalidRecordException("missing 'rejected'");
    }
    if (chosen.isArray() != rejected.isArray()) {
      throw new InvalidRecordException(
          "'chosen' and 'rejected' must both be strings or both be message lists (found "
              + typeName(chosen)
              + " and "
              + typeName(rejected)
              + ")");
    }
    if (!chosen.isArray()) {
      if (!node.hasNonNull("prompt")) {
        throw new InvalidRecordException("missing 'prompt'");
      }
      String prompt = string(node, "prompt");
      String chosenText = nonBlank(node, "chosen");
      String rejectedText = nonBlank(node, "rejected");
      if (chosenText.equals(rejectedText)) {
        throw new InvalidRecordException("'chosen' and 'rejected' are identical");
      }
      return new DataRecord.TextPreference(prompt, chosenText, rejectedText);
    }
    return ConversationRules.chatPreference(
        node.hasNonNull("prompt") ? promptMessages(node) : null,
        messages(node, "chosen"),
        messages(node, "rejected"));
  }

  private static List<Message> promptMessages(JsonNode node) throws InvalidRecordException {
    JsonNode prompt = node.get("prompt");
    if (prompt.isTextual()) {
      if (prompt.asText().isBlank()) {
        throw new InvalidRecordException("'prompt' is empty");
      }
      return List.of(Message.user(prompt.asText()));
    }
    return messages(node, "prompt");
  }

  /** Reads an OpenAI-style message list ({@code role}, {@code content}) under {@code key}. */
  private static List<Message> messages(JsonNode node, String key) throws InvalidRecordException {
    JsonNode array = list(node, key);
    List<Message> messages = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      JsonNode message = array.get(i);
      String where = (key.equals("messages") ? "message " : key + " message ") + (i + 1);
      if (!message.isObject()) {
        throw new InvalidRecordException(
            where + " must be an object with 'role' and 'content', found " + typeName(message));
      }
      String roleName = field(message, "role", where);
      Role role = openAiRole(roleName, message, where);
      messages.add(new Message(role, content(message, where)));
    }
    return messages;
  }

  private static Role openAiRole(String name, JsonNode message, String where)
      throws InvalidRecordException {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "system", "developer":
        return Role.SYSTEM;
      case "user":
        return Role.USER;
      case "assistant":
        if (message.hasNonNull("tool_calls") || message.hasNonNull("function_call")) {
          throw new InvalidRecordException(
              where
                  + " (assistant) makes tool calls: tool and function-call turns are not"
                  + " supported for training; remove those turns or lines");
        }
        return Role.ASSISTANT;
      case "tool", "function", "ipython":
        throw new InvalidRecordException(
            where
                + " has role '"
                + name
                + "': tool and function-call turns are not supported for training; remove"
                + " those turns or lines");
      default:
        throw new InvalidRecordException(
            where + " has unknown role '" + name + "'; expected system, user or assistant");
    }
  }

  /** Message content: a string, or OpenAI's list of {@code {"type":"text","text":...}} parts. */
  private static String content(JsonNode message, String where) throws InvalidRecordException {
    JsonNode content = message.get("content");
    if (content == null || content.isNull()) {
      throw new InvalidRecordException(where + " has no 'content'");
    }
    if (content.isTextual()) {
      return content.asText();
    }
    if (!content.isArray()) {
      throw new InvalidRecordException(
          where
              + ": 'content' must be a string or a list of text parts, found "
              + typeName(content));
    }
    StringBuilder text = new StringBuilder();
    for (JsonNode part : content) {
      String type = part.path("type").asText("");
      if (!part.isObject() || !type.equals("text") || !part.path("text").isTextual()) {
        throw new InvalidRecordException(
            where
                + ": content part of type '"
                + (type.isEmpty() ? typeName(part) : type)
                + "' is not supported; only {\"type\": \"text\", \"text\": ...} parts are");
      }
      if (text.length() > 0) {
        text.append('\n');
      }
      text.append(part.get("text").asText());
    }
    return text.toString();
  }

  private static JsonNode list(JsonNode node, String key) throws InvalidRecordException {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      throw new InvalidRecordException("missing '" + key + "'");
    }
    if (!value.isArray()) {
      throw new InvalidRecordException("'" + key + "' must be a list, found " + typeName(value));
    }
    if (value.isEmpty()) {
      throw new InvalidRecordException("'" + key + "' is empty");
    }
    return value;
  }

  private static String field(JsonNode object, String key, String where)
      throws InvalidRecordException {
    JsonNode value = object.get(key);
    if (value == null || value.isNull()) {
      throw new InvalidRecordException(where + " has no '" + key + "'");
    }
    if (!value.isTextual()) {
      throw new InvalidRecordException(
          where + ": '" + key + "' must be a string, found " + typeName(value));
    }
    return value.asText();
  }

  private static String string(JsonNode node, String key) throws InvalidRecordException {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      throw new InvalidRecordException("missing '" + key + "'");
    }
    if (!value.isTextual()) {
      throw new InvalidRecordException("'" + key + "' must be a string, found " + typeName(value));
    }
    return value.asText();
  }

  private static String nonBlank(JsonNode node, String key) throws InvalidRecordException {
    String value = string(node, key);
    if (value.isBlank()) {
      throw new InvalidRecordException("'" + key + "' is empty");
    }
    return value;
  }

  static String typeName(JsonNode node) {
    return switch (node.getNodeType()) {
      case ARRAY -> "a list";
      case OBJECT -> "an object";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL, MISSING -> "null";
      default -> node.getNodeType().name().toLowerCase(Locale.ROOT);
    };
  }

  private static String keyList(JsonNode node) {
    List<String> keys = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      keys.add("'" + it.next() + "'");
    }
    return keys.isEmpty() ? "no keys" : String.join(", ", keys);
  }
}
