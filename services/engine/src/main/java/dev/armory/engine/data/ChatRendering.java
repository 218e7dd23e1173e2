package dev.armory.engine.data;

import dev.armory.engine.tokenizer.ChatMessage;
import dev.armory.engine.tokenizer.ChatTemplate;
import dev.armory.engine.tokenizer.ChatTemplateException;
import dev.armory.engine.tokenizer.HfTokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders conversations with a chat template and finds the tokens of each assistant turn.
 *
 * <p>For assistant message {@code i} the text of messages {@code [0, i)} with the generation prompt
 * ("before") must be a prefix of the text of messages {@code [0, i]} ("through"), which must be a
 * prefix of the whole conversation's text: the assistant's tokens are what "through" adds to
 * "before" (its content and the template's end-of-turn marker). Token boundaries come from the
 * longest common prefix of each part's tokens with the whole text's tokens, so a token straddling a
 * boundary (a merge across it) goes to the assistant side at the start and to the prompt side at
 * the end. Rendered text is tokenised without added special tokens, as transformers' {@code
 * apply_chat_template} does: a template that wants BOS writes it.
 */
final class ChatRendering {
  private final ChatTemplate template;
  private final HfTokenizer tokenizer;

  ChatRendering(ChatTemplate template, HfTokenizer tokenizer) {
    this.template = template;
    this.tokenizer = tokenizer;
  }

  /** Token ids and trainable flags of a conversation. */
  TokenizedExample conversation(String source, int line, List<Message> messages, boolean all)
      throws InvalidRecordException {
    List<ChatMessage> chat = chatMessages(messages);
    String full = render(source, line, chat, false);
    int[] ids = tokenizer.encode(full, false);
    boolean[] trainable = new boolean[ids.length];
    if (all) {
      java.util.Arrays.fill(trainable, true);
      return new TokenizedExample(line, ids, trainable, false);
    }
    List<Integer> turns = new ArrayList<>();
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < chat.size(); i++) {
      if (messages.get(i).role() != Role.ASSISTANT) {
        continue;
      }
      String before = render(source, line, chat.subList(0, i), true);
      String through = render(source, line, chat.subList(0, i + 1), false);
      requirePrefix(source, line, before, through, "assistant message " + (i + 1), "before");
      requirePrefix(source, line, through, full, "assistant message " + (i + 1), "through");
      turns.add(i);
      parts.add(before);
      parts.add(through);
    }
    List<int[]> partIds = tokenizer.encodeBatch(parts, false);
    for (int k = 0; k < turns.size(); k++) {
      int start = commonPrefix(partIds.get(2 * k), ids);
      int end = commonPrefix(partIds.get(2 * k + 1), ids);
      for (int t = start; t < end; t++) {
        trainable[t] = true;
      }
    }
    return new TokenizedExample(line, ids, trainable, false);
  }

  /** {prompt, chosen completion, rejected completion} token ids of a chat preference pair. */
  int[][] preference(String source, int line, DataRecord.ChatPreference pair)
      throws InvalidRecordException {
    List<ChatMessage> prompt = chatMessages(pair.prompt());
    String before = render(source, line, prompt, true);
    String chosen = render(source, line, concat(prompt, chatMessages(pair.chosen())), false);
    String rejected = render(source, line, concat(prompt, chatMessages(pair.rejected())), false);
    requirePrefix(source, line, before, chosen, "the chosen answer", "before");
    requirePrefix(source, line, before, rejected, "the rejected answer", "before");
    List<int[]> ids = tokenizer.encodeBatch(List.of(before, chosen, rejected), false);
    int shared =
        Math.min(commonPrefix(ids.get(0), ids.get(1)), commonPrefix(ids.get(0), ids.get(2)));
    return new int[][] {
      java.util.Arrays.copyOf(ids.get(1), shared),
      java.util.Arrays.copyOfRange(ids.get(1), shared, ids.get(1).length),
      java.util.Arrays.copyOfRange(ids.get(2), shared, ids.get(2).length)
    };
  }

  private String render(String source, int line, List<ChatMessage> messages, boolean generation)
      throws InvalidRecordException {
    try {
      return template.render(messages, generation);
    } catch (ChatTemplateException e) {
      if (e.raisedByTemplate()) {
        throw new InvalidRecordException(
            "the chat template rejected the conversation: " + e.templateMessage());
      }
      throw new DatasetException(
          source,
          List.of(new BadLine(line, e.getMessage())),
          source + " line " + line + ": " + e.getMessage());
    }
  }

  private static void requirePrefix(
      String source, int line, String prefix, String text, String turn, String which) {
    if (text.startsWith(prefix)) {
      return;
    }
    int at = 0;
    while (at < prefix.length() && at < text.length() && prefix.charAt(at) == text.charAt(at)) {
      at++;
    }
    String what =
        which.equals("before")
            ? "the text up to "
                + turn
                + " rendered with add_generation_prompt=true is not a prefix of the text"
                + " including it"
            : "the text through " + turn + " is not a prefix of the whole conversation's text";
    String reason =
        "the chat template does not render this conversation prefix-consistently: "
            + what
            + " (they differ at character "
            + at
            + ": "
            + snippet(prefix, at)
            + " vs "
            + snippet(text, at)
            + "). Armory finds the assistant tokens to train by this property; use a template"
            + " that renders earlier turns unchanged, or train on inputs to train every token";
    throw new DatasetException(
        source, List.of(new BadLine(line, reason)), source + " line " + line + ": " + reason);
  }

  private static String snippet(String text, int at) {
    int from = Math.max(0, at - 20);
    int to = Math.min(text.length(), at + 20);
    String piece = text.substring(from, to).replace("\n", "\\n");
    return "\"" + (from > 0 ? "…" : "") + piece + (to < text.length() ? "…" : "") + "\"";
  }

  static List<ChatMessage> chatMessages(List<Message> messages) {
    List<ChatMessage> chat = new ArrayList<>(messages.size());
    for (Message message : messages) {
      chat.add(new ChatMessage(message.role().wireName(), message.content()));
    }
    return chat;
  }

  private static List<ChatMessage> concat(List<ChatMessage> a, List<ChatMessage> b) {
    List<ChatMessage> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /** The length of the longest common prefix of two id arrays. */
  static int commonPrefix(int[] a, int[] b) {
    int n = Math.min(a.length, b.length);
    int i = 0;
    while (i < n && a[i] == b[i]) {
      i++;
    }
    return i;
  }
}
