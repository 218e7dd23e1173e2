package dev.armory.engine.data;

import java.util.List;

/** What a trainable conversation must satisfy; messages are numbered from 1 in the reasons. */
final class ConversationRules {
  private ConversationRules() {}

  /**
   * A system message only first, at least one assistant message, and no empty assistant message.
   */
  static void validate(List<Message> messages) throws InvalidRecordException {
    boolean assistant = false;
    for (int i = 0; i < messages.size(); i++) {
      Message message = messages.get(i);
      if (message.role() == Role.SYSTEM && i > 0) {
        throw new InvalidRecordException(
            "message " + (i + 1) + " is a system message; a system message may only come first");
      }
      if (message.role() == Role.ASSISTANT) {
        if (message.content().isBlank()) {
          throw new InvalidRecordException("message " + (i + 1) + " (assistant) is empty");
        }
        assistant = true;
      }
    }
    if (!assistant) {
      throw new InvalidRecordException(
          "the conversation has no assistant message, so there is nothing to train on");
    }
  }

  /** Completions and preference answers hold the assistant's reply only. */
  static void requireAssistantOnly(List<Message> messages, String key)
      throws InvalidRecordException {
    for (int i = 0; i < messages.size(); i++) {
      Message message = messages.get(i);
      if (message.role() != Role.ASSISTANT) {
        throw new InvalidRecordException(
            "'"
                + key
                + "' message "
                + (i + 1)
                + " has role "
                + message.role().wireName()
                + "; '"
                + key
                + "' holds the assistant's answer only, earlier turns belong in 'prompt'");
      }
      if (message.content().isBlank()) {
        throw new InvalidRecordException(
            "'" + key + "' message " + (i + 1) + " (assistant) is empty");
      }
    }
  }

  /**
   * Builds a chat preference pair. Without a prompt, the prompt is the messages {@code chosen} and
   * {@code rejected} share at their start (the "implicit prompt" layout of Anthropic HH-style
   * data).
   */
  static DataRecord.ChatPreference chatPreference(
      List<Message> prompt, List<Message> chosen, List<Message> rejected)
      throws InvalidRecordException {
    if (prompt == null) {
      int shared = 0;
      while (shared < chosen.size()
          && shared < rejected.size()
          && chosen.get(shared).equals(rejected.get(shared))) {
        shared++;
      }
      // The shared head ends before the first assistant answer that differs.
      while (shared > 0 && chosen.get(shared - 1).role() == Role.ASSISTANT) {
        shared--;
      }
      if (shared == 0) {
        throw new InvalidRecordException(
            "missing 'prompt', and 'chosen' and 'rejected' share no leading messages to take it"
                + " from");
      }
      prompt = chosen.subList(0, shared);
      chosen = chosen.subList(shared, chosen.size());
      rejected = rejected.subList(shared, rejected.size());
    }
    if (prompt.isEmpty()) {
      throw new InvalidRecordException("'prompt' is empty");
    }
    for (int i = 0; i < prompt.size(); i++) {
      if (prompt.get(i).role() == Role.SYSTEM && i > 0) {
        throw new InvalidRecordException(
            "'prompt' message "
                + (i + 1)
                + " is a system message; a system message may only come first");
      }
    }
    Role last = prompt.get(prompt.size() - 1).role();
    if (last != Role.USER) {
      throw new InvalidRecordException(
          "the prompt's last message must be a user message (it is " + last.wireName() + ")");
    }
    if (chosen.isEmpty()) {
      throw new InvalidRecordException("'chosen' has no assistant answer after the prompt");
    }
    if (rejected.isEmpty()) {
      throw new InvalidRecordException("'rejected' has no assistant answer after the prompt");
    }
    requireAssistantOnly(chosen, "chosen");
    requireAssistantOnly(rejected, "rejected");
    if (chosen.equals(rejected)) {
      throw new InvalidRecordException("'chosen' and 'rejected' are identical");
    }
    return new DataRecord.ChatPreference(prompt, chosen, rejected);
  }
}
