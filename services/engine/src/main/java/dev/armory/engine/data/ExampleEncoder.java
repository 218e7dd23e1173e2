package dev.armory.engine.data;

import dev.armory.engine.tokenizer.ChatTemplate;
import dev.armory.engine.tokenizer.HfTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Turns records into token sequences with loss masks, as the trainer consumes them.
 *
 * <ul>
 *   <li>Conversations (chat, ShareGPT) are rendered with the chat template; the loss covers each
 *       assistant turn's tokens including the template's end-of-turn marker ({@link
 *       ChatRendering}). Special tokens come from the template only, as with transformers' {@code
 *       apply_chat_template}.
 *   <li>Alpaca records go through the chat template as a user turn (instruction, a blank line,
 *       input) and an assistant turn when there is a template, else through {@link AlpacaPrompt} as
 *       prompt/completion.
 *   <li>Prompt/completion: the tokenizer's leading special tokens (BOS, when it adds one), prompt
 *       and completion tokenised together, EOS; the loss covers completion and EOS. The split is
 *       the longest common prefix of the prompt's tokens alone and the joint tokens, so a token
 *       merging across the boundary counts as completion.
 *   <li>Raw text: leading special tokens, text, EOS; every token is trained.
 * </ul>
 *
 * <p>BOS appears at most once: a sequence starting with two BOS tokens loses one. With {@link
 * EncodeOptions#trainOnInputs()} every token is trained. Sequences longer than {@link
 * EncodeOptions#maxSeqLen()} keep their start and are counted; one left with no trainable token is
 * dropped and counted. Without EOS in the tokenizer nothing is appended.
 */
public final class ExampleEncoder {
  private final HfTokenizer tokenizer;
  private final ChatTemplate template;
  private final EncodeOptions options;
  private final int[] leading;
  private final OptionalInt eos;
  private final OptionalInt bos;

  /** An encoder using the tokenizer's default chat template, if it has one. */
  public ExampleEncoder(HfTokenizer tokenizer, EncodeOptions options) {
    this(tokenizer, tokenizer.chatTemplate().orElse(null), options);
  }

  /** An encoder with an explicit chat template ({@code null}: none, Alpaca uses its layout). */
  public ExampleEncoder(HfTokenizer tokenizer, ChatTemplate template, EncodeOptions options) {
    this.tokenizer = tokenizer;
    this.template = template;
    this.options = options;
    this.leading = leadingSpecialTokens(tokenizer);
    this.eos = tokenizer.eosId();
    this.bos = tokenizer.bosId();
  }

  public EncodeOptions options() {
    return options;
  }

  /** Whether conversations can be encoded (a chat template is present). */
  public boolean hasChatTemplate() {
    return template != null;
  }

  /** The special tokens the tokenizer puts before plain text (usually BOS, or nothing). */
  public int[] leadingSpecialTokens() {
    return leading.clone();
  }

  /** Encodes every supervised record, counting truncated and dropped examples. */
  public EncodedDataset encode(Dataset data) {
    if (data.isPreference()) {
      throw new DatasetException(
          data.source(),
          List.of(),
          data.source()
              + ": holds preference pairs; they train with the DPO objective (encodePreferences),"
              + " not supervised fine-tuning");
    }
    List<TokenizedExample> examples = new ArrayList<>();
    List<Integer> dropped = new ArrayList<>();
    List<BadLine> skipped = new ArrayList<>();
    int truncated = 0;
    for (DatasetLine line : data.records()) {
      TokenizedExample example;
      try {
        example = tokens(data.source(), line);
      } catch (InvalidRecordException e) {
        skipped.add(skipOrFail(data.source(), line.line(), e));
        continue;
      }
      if (example.trainableCount() == 0) {
        dropped.add(line.line());
        continue;
      }
      truncated += example.truncated() ? 1 : 0;
      examples.add(example);
    }
    return new EncodedDataset(examples, truncated, dropped, skipped);
  }

  /**
   * One supervised record as tokens (truncated to the maximum length); empty when no trainable
   * token is left. A record the template rejects fails with {@link DatasetException}.
   */
  public Optional<TokenizedExample> encode(String source, DatasetLine line) {
    try {
      TokenizedExample example = tokens(source, line);
      return example.trainableCount() == 0 ? Optional.empty() : Optional.of(example);
    } catch (InvalidRecordException e) {
      throw lineError(source, line.line(), e);
    }
  }

  /** Encodes every preference pair, counting truncated and dropped pairs. */
  public EncodedPreferences encodePreferences(Dataset data) {
    if (!data.isPreference()) {
      throw new DatasetException(
          data.source(),
          List.of(),
          data.source()
              + ": holds supervised records, not preference pairs (prompt, chosen, rejected);"
              + " DPO needs preference data");
    }
    List<PreferenceExample> pairs = new ArrayList<>();
    List<Integer> dropped = new ArrayList<>();
    List<BadLine> skipped = new ArrayList<>();
    int truncated = 0;
    for (DatasetLine line : data.records()) {
      Optional<PreferenceExample> pair;
      try {
        pair = pair(data.source(), line);
      } catch (InvalidRecordException e) {
        skipped.add(skipOrFail(data.source(), line.line(), e));
        continue;
      }
      if (pair.isEmpty()) {
        dropped.add(line.line());
        continue;
      }
      truncated += pair.get().truncated() ? 1 : 0;
      pairs.add(pair.get());
    }
    return new EncodedPreferences(pairs, truncated, dropped, skipped);
  }

  /**
   * One preference pair as tokens (completions truncated to the maximum length); empty when the
   * prompt leaves no room for a completion token.
   */
  public Optional<PreferenceExample> encodePreference(String source, DatasetLine line) {
    try {
      return pair(source, line);
    } catch (InvalidRecordException e) {
      throw lineError(source, line.line(), e);
    }
  }

  private TokenizedExample tokens(String source, DatasetLine line) throws InvalidRecordException {
    DataRecord record = line.record();
    TokenizedExample full;
    if (record instanceof DataRecord.Conversation conversation) {
      full =
          chat(source, line.line())
              .conversation(source, line.line(), conversation.messages(), options.trainOnInputs());
    } else if (record instanceof DataRecord.Instruction instruction) {
      full =
          template != null
              ? chat(source, line.line())
                  .conversation(
                      source,
                      line.line(),
                      instruction.toConversation().messages(),
                      options.trainOnInputs())
              : completion(line.line(), AlpacaPrompt.completion(instruction));
    } else if (record instanceof DataRecord.Completion completion) {
      full = completion(line.line(), completion);
    } else if (record instanceof DataRecord.Text text) {
      int[] ids = concat(leading, tokenizer.encode(text.text(), false), eosTokens());
      boolean[] trainable = new boolean[ids.length];
      Arrays.fill(trainable, true);
      full = new TokenizedExample(line.line(), ids, trainable, false);
    } else {
      throw new DatasetException(
          source,
          List.of(),
          source
              + " line "
              + line.line()
              + ": is a preference pair; supervised fine-tuning needs supervised records");
    }
    return truncate(singleBos(full));
  }

  private TokenizedExample completion(int line, DataRecord.Completion record) {
    int[] prompt = tokenizer.encode(record.prompt(), false);
    int[] joint = tokenizer.encode(record.prompt() + record.completion(), false);
    int boundary = leading.length + ChatRendering.commonPrefix(prompt, joint);
    int[] ids = concat(leading, joint, eosTokens());
    boolean[] trainable = new boolean[ids.length];
    for (int t = options.trainOnInputs() ? 0 : boundary; t < ids.length; t++) {
      trainable[t] = true;
    }
    return new TokenizedExample(line, ids, trainable, false);
  }

  private Optional<PreferenceExample> pair(String source, DatasetLine line)
      throws InvalidRecordException {
    int[] prompt;
    int[] chosen;
    int[] rejected;
    if (line.record() instanceof DataRecord.TextPreference text) {
      int[] p = tokenizer.encode(text.prompt(), false);
      List<int[]> joint =
          tokenizer.encodeBatch(
              List.of(text.prompt() + text.chosen(), text.prompt() + text.rejected()), false);
      int shared =
          Math.min(
              ChatRendering.commonPrefix(p, joint.get(0)),
              ChatRendering.commonPrefix(p, joint.get(1)));
      prompt = concat(leading, Arrays.copyOf(joint.get(0), shared), new int[0]);
      chosen =
          concat(
              new int[0],
              Arrays.copyOfRange(joint.get(0), shared, joint.get(0).length),
              eosTokens());
      rejected =
          concat(
              new int[0],
              Arrays.copyOfRange(joint.get(1), shared, joint.get(1).length),
              eosTokens());
    } else if (line.record() instanceof DataRecord.ChatPreference chat) {
      int[][] parts = chat(source, line.line()).preference(source, line.line(), chat);
      prompt = parts[0];
      chosen = parts[1];
      rejected = parts[2];
    } else {
      throw new DatasetException(
          source,
          List.of(),
          source
              + " line "
              + line.line()
              + ": is not a preference pair; DPO needs (prompt, chosen, rejected)");
    }
    if (prompt.length >= 2
        && bos.isPresent()
        && prompt[0] == bos.getAsInt()
        && prompt[1] == prompt[0]) {
      prompt = Arrays.copyOfRange(prompt, 1, prompt.length);
    }
    int room = options.maxSeqLen() - prompt.length;
    if (room < 1 || chosen.length == 0 || rejected.length == 0) {
      return Optional.empty();
    }
    boolean truncated = chosen.length > room || rejected.length > room;
    return Optional.of(
        new PreferenceExample(
            line.line(),
            prompt,
            Arrays.copyOf(chosen, Math.min(room, chosen.length)),
            Arrays.copyOf(rejected, Math.min(room, rejected.length)),
            truncated));
  }

  private ChatRendering chat(String source, int line) {
    if (template == null) {
      throw new DatasetException(
          source,
          List.of(),
          source
              + " line "
              + line
              + ": chat data needs a chat template, but the tokenizer in "
              + tokenizer.directory()
              + " has none (no chat_template in tokenizer_config.json); use a model with a chat"
              + " template, pass a template, or bring the data as Alpaca or prompt/completion");
    }
    return new ChatRendering(template, tokenizer);
  }

  private TokenizedExample singleBos(TokenizedExample example) {
    int[] ids = example.ids();
    if (bos.isPresent() && ids.length >= 2 && ids[0] == bos.getAsInt() && ids[1] == ids[0]) {
      return new TokenizedExample(
          example.line(),
          Arrays.copyOfRange(ids, 1, ids.length),
          Arrays.copyOfRange(example.trainable(), 1, ids.length),
          example.truncated());
    }
    return example;
  }

  private TokenizedExample truncate(TokenizedExample example) {
    int max = options.maxSeqLen();
    if (example.length() <= max) {
      return example;
    }
    return new TokenizedExample(
        example.line(),
        Arrays.copyOf(example.ids(), max),
        Arrays.copyOf(example.trainable(), max),
        true);
  }

  private BadLine skipOrFail(String source, int line, InvalidRecordException e) {
    if (!options.skipBadLines()) {
      throw lineError(source, line, e);
    }
    return new BadLine(line, e.getMessage());
  }

  private static DatasetException lineError(String source, int line, InvalidRecordException e) {
    return new DatasetException(
        source,
        List.of(new BadLine(line, e.getMessage())),
        source + " line " + line + ": " + e.getMessage() + " (fix the line, or skip bad lines)");
  }

  private int[] eosTokens() {
    return eos.isPresent() ? new int[] {eos.getAsInt()} : new int[0];
  }

  private static int[] concat(int[] a, int[] b, int[] c) {
    int[] out = new int[a.length + b.length + c.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    System.arraycopy(c, 0, out, a.length + b.length, c.length);
    return out;
  }

  /** What {@code encode(text, true)} puts before the text's own tokens. */
  private static int[] leadingSpecialTokens(HfTokenizer tokenizer) {
    int[] plain = tokenizer.encode("a", false);
    int[] special = tokenizer.encode("a", true);
    for (int start = 0; start + plain.length <= special.length; start++) {
      if (Arrays.equals(special, start, start + plain.length, plain, 0, plain.length)) {
        return Arrays.copyOf(special, start);
      }
    }
    return new int[0];
  }
}
