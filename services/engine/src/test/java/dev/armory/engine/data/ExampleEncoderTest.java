package dev.armory.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.armory.engine.tokenizer.ChatTemplate;
import dev.armory.engine.tokenizer.HfTokenizer;
import dev.armory.engine.tokenizer.TinyTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokenisation and loss masks on the tiny byte-level tokenizer with its ChatML template. */
class ExampleEncoderTest {
  @TempDir static Path shared;
  private static HfTokenizer tokenizer;
  private static String eos;

  @BeforeAll
  static void load() {
    TinyTokenizer.write(shared.resolve("tiny"));
    tokenizer = HfTokenizer.load(shared.resolve("tiny"));
    eos = tokenizer.eosToken().orElseThrow();
  }

  @AfterAll
  static void close() {
    tokenizer.close();
  }

  private static Dataset dataset(DataRecord... records) {
    List<DatasetLine> lines = new ArrayList<>();
    for (int i = 0; i < records.length; i++) {
      DataFormat format = records[i].isPreference() ? DataFormat.PREFERENCE : DataFormat.CHAT;
      lines.add(new DatasetLine(i + 1, format, records[i]));
    }
    return new Dataset("test.jsonl", lines, List.of(), "00", records.length);
  }

  private static TokenizedExample only(ExampleEncoder encoder, DataRecord record) {
    EncodedDataset encoded = encoder.encode(dataset(record));
    assertEquals(1, encoded.examples().size());
    return encoded.examples().get(0);
  }

  /** The decoded text of each run of trainable tokens. */
  private static List<String> trainedSpans(TokenizedExample example) {
    List<String> spans = new ArrayList<>();
    int t = 0;
    while (t < example.length()) {
      if (!example.trainable()[t]) {
        t++;
        continue;
      }
      int start = t;
      while (t < example.length() && example.trainable()[t]) {
        t++;
      }
      spans.add(tokenizer.decode(Arrays.copyOfRange(example.ids(), start, t), false));
    }
    return spans;
  }

  /** The decoded text of the untrained tokens, with "|" where a trained run was cut out. */
  private static String maskedText(TokenizedExample example) {
    StringBuilder text = new StringBuilder();
    List<Integer> run = new ArrayList<>();
    for (int t = 0; t <= example.length(); t++) {
      boolean masked = t < example.length() && !example.trainable()[t];
      if (masked) {
        run.add(example.ids()[t]);
      } else if (!run.isEmpty()) {
        text.append(tokenizer.decode(run.stream().mapToInt(Integer::intValue).toArray(), false));
        run.clear();
        text.append('|');
      }
    }
    return text.toString();
  }

  @Test
  void chatLossCoversExactlyTheAssistantTurns() {
    DataRecord record =
        new DataRecord.Conversation(
            List.of(
                Message.system("Be brief."),
                Message.user("Capital of France?"),
                Message.assistant("Paris."),
                Message.user("And of Germany?"),
                Message.assistant("Berlin.")));
    ExampleEncoder encoder = new ExampleEncoder(tokenizer, EncodeOptions.of(512));
    TokenizedExample example = only(encoder, record);
    assertEquals(
        "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nCapital of France?<|im_end|>\n"
            + "<|im_start|>assistant\nParis.<|im_end|>\n<|im_start|>user\nAnd of Germany?"
            + "<|im_end|>\n<|im_start|>assistant\nBerlin.<|im_end|>\n",
        tokenizer.decode(example.ids(), false));
    assertEquals(List.of("Paris.<|im_end|>\n", "Berlin.<|im_end|>\n"), trainedSpans(example));
    assertEquals(
        "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nCapital of France?<|im_end|>\n"
            + "<|im_start|>assistant\n|<|im_start|>user\nAnd of Germany?<|im_end|>\n"
            + "<|im_start|>assistant\n|",
        maskedText(example));

    // The batch labels carry exactly those tokens, each at the position before it.
    TokenBatch batch = Collator.forTokenizer(tokenizer).collateExamples(List.of(example));
    List<Integer> labelled = new ArrayList<>();
    for (int t = 0; t < batch.seqLen(); t++) {
      if (batch.labels()[t] != TokenBatch.IGNORE_INDEX) {
        assertEquals(batch.inputIds()[t + 1], batch.labels()[t]);
        labelled.add((int) batch.labels()[t]);
      }
    }
    assertEquals(
        "Paris.<|im_end|>\nBerlin.<|im_end|>\n",
        tokenizer.decode(labelled.stream().mapToInt(Integer::intValue).toArray(), false));
    assertEquals(tokenizer.padId().getAsInt(), Collator.forTokenizer(tokenizer).padId());
  }

  @Test
  void trainOnInputsTrainsEveryToken() {
    DataRecord record =
        new DataRecord.Conversation(List.of(Message.user("Hi"), Message.assistant("Hello.")));
    ExampleEncoder encoder =
        new ExampleEncoder(tokenizer, EncodeOptions.of(512).withTrainOnInputs(true));
    TokenizedExample example = only(encoder, record);
    assertEquals(example.length() - 1, example.trainableCount());
  }

  @Test
  void alpacaUsesTheChatTemplateWhenThereIsOne() {
    DataRecord record = new DataRecord.Instruction("Add the numbers.", "2 and 3", "5");
    TokenizedExample example = only(new ExampleEncoder(tokenizer, EncodeOptions.of(512)), record);
    assertEquals(
        "<|im_start|>user\nAdd the numbers.\n\n2 and 3<|im_end|>\n<|im_start|>assistant\n|",
        maskedText(example));
    assertEquals(List.of("5<|im_end|>\n"), trainedSpans(example));
  }

  @Test
  void alpacaUsesTheFixedLayoutWithoutATemplate() {
    ExampleEncoder encoder = new ExampleEncoder(tokenizer, null, EncodeOptions.of(512));
    assertFalse(encoder.hasChatTemplate());
    TokenizedExample withInput =
        only(encoder, new DataRecord.Instruction("Add the numbers.", "2 and 3", "5"));
    assertEquals(
        "### Instruction:\nAdd the numbers.\n\n### Input:\n2 and 3\n\n### Response:\n|",
        maskedText(withInput));
    assertEquals(List.of("5" + eos), trainedSpans(withInput));
    TokenizedExample withoutInput =
        only(encoder, new DataRecord.Instruction("Name a colour.", "", "Blue."));
    assertEquals("### Instruction:\nName a colour.\n\n### Response:\n|", maskedText(withoutInput));
    assertEquals(List.of("Blue." + eos), trainedSpans(withoutInput));
  }

  @Test
  void promptCompletionMasksThePromptAndTrainsCompletionAndEos() {
    TokenizedExample example =
        only(
            new ExampleEncoder(tokenizer, EncodeOptions.of(512)),
            new DataRecord.Completion("2 + 2 =", " 4"));
    assertEquals("2 + 2 =|", maskedText(example));
    assertEquals(List.of(" 4" + eos), trainedSpans(example));
    assertEquals(tokenizer.eosId().getAsInt(), example.ids()[example.length() - 1]);
  }

  @Test
  void rawTextTrainsEveryTokenAndEndsWithEos() {
    TokenizedExample example =
        only(
            new ExampleEncoder(tokenizer, EncodeOptions.of(512)),
            new DataRecord.Text("Once upon a time, a cat sat."));
    assertEquals("Once upon a time, a cat sat." + eos, tokenizer.decode(example.ids(), false));
    assertEquals(example.length() - 1, example.trainableCount());
    // This tokenizer adds no BOS to plain text.
    assertEquals(
        0, new ExampleEncoder(tokenizer, EncodeOptions.of(512)).leadingSpecialTokens().length);
  }

  @Test
  void truncationIsCountedAndExamplesWithoutTargetsAreDropped() {
    ExampleEncoder encoder = new ExampleEncoder(tokenizer, EncodeOptions.of(12));
    String longPrompt =
        "This prompt is far longer than twelve tokens, so nothing is left to learn.";
    EncodedDataset encoded =
        encoder.encode(
            dataset(
                new DataRecord.Text("A short story that is quite a bit longer than twelve tokens."),
                new DataRecord.Text("Short."),
                new DataRecord.Completion(longPrompt, " Yes."),
                new DataRecord.Conversation(
                    List.of(Message.user(longPrompt), Message.assistant("Yes.")))));
    assertEquals(2, encoded.examples().size());
    assertEquals(1, encoded.truncated());
    assertEquals(List.of(3, 4), encoded.dropped());
    TokenizedExample cut = encoded.examples().get(0);
    assertTrue(cut.truncated());
    assertEquals(12, cut.length());
    assertEquals(12, encoded.maxLength());
    assertFalse(encoded.examples().get(1).truncated());
  }

  @Test
  void packedExamplesKeepTheirMasksAndRestartPositions() {
    ExampleEncoder encoder = new ExampleEncoder(tokenizer, EncodeOptions.of(64));
    EncodedDataset encoded =
        encoder.encode(
            dataset(
                new DataRecord.Instruction("Colour of the sky?", "", "Blue."),
                new DataRecord.Instruction("Colour of grass?", "", "Green.")));
    List<TrainingRow> rows = Packer.pack(encoded.examples(), 64);
    assertEquals(1, rows.size());
    TokenBatch batch = Collator.forTokenizer(tokenizer).collate(rows);
    int first = encoded.examples().get(0).length();
    assertEquals(0, batch.positionIds()[first]);
    assertEquals(first, batch.positionIds()[first - 1] + 1);
    assertEquals(2, batch.segmentIds()[first]);
    List<Integer> labelled = new ArrayList<>();
    for (long label : batch.labels()) {
      if (label != TokenBatch.IGNORE_INDEX) {
        labelled.add((int) label);
      }
    }
    assertEquals(
        "Blue.<|im_end|>\nGreen.<|im_end|>\n",
        tokenizer.decode(labelled.stream().mapToInt(Integer::intValue).toArray(), false));
    assertEquals(encoded.trainableTokens(), batch.trainedTokens());
  }

  @Test
  void templateRejectionNamesTheLineOrIsSkipped() {
    ChatTemplate noSystem =
        ChatTemplate.compile(
            "{% for m in messages %}{% if m['role'] == 'system' %}"
                + "{{ raise_exception('System messages are not supported') }}{% endif %}"
                + "{{ m['role'] + ': ' + m['content'] + '\\n' }}{% endfor %}"
                + "{% if add_generation_prompt %}{{ 'assistant: ' }}{% endif %}",
            null, null);
    Dataset data =
        dataset(
            new DataRecord.Conversation(List.of(Message.user("Hi"), Message.assistant("Hello."))),
            new DataRecord.Conversation(
                List.of(Message.system("S"), Message.user("Hi"), Message.assistant("Hello."))));
    DatasetException e =
        assertThrows(
            DatasetException.class,
            () -> new ExampleEncoder(tokenizer, noSystem, EncodeOptions.of(64)).encode(data));
    assertTrue(
        e.getMessage()
            .startsWith(
                "test.jsonl line 2: the chat template rejected the conversation: System messages"
                    + " are not supported"),
        e.getMessage());
    EncodedDataset skipped =
        new ExampleEncoder(tokenizer, noSystem, EncodeOptions.of(64).withSkipBadLines(true))
            .encode(data);
    assertEquals(1, skipped.examples().size());
    assertEquals(2, skipped.skipped().get(0).line());
    // "assistant: " ends in a space that merges with "Hello" into one token: the straddling
    // token goes to the assistant side.
    assertEquals(List.of(" Hello.\n"), trainedSpans(skipped.examples().get(0)));
  }

  @Test
  void aTemplateBreakingThePrefixPropertyFailsClearly() {
    ChatTemplate inconsistent =
        ChatTemplate.compile(
            "{% for m in messages %}{{ m['role'] + ': ' + m['content'] + '\\n' }}{% endfor %}"
                + "{% if add_generation_prompt %}{{ 'ASSISTANT>' }}{% endif %}",
            null, null);
    Dataset data =
        dataset(
            new DataRecord.Conversation(List.of(Message.user("Hi"), Message.assistant("Hello."))));
    DatasetException e =
        assertThrows(
            DatasetException.class,
            () -> new ExampleEncoder(tokenizer, inconsistent, EncodeOptions.of(64)).encode(data));
    assertTrue(
        e.getMessage().contains("line 1: the chat template does not render"), e.getMessage());
    assertTrue(e.getMessage().contains("\"user: Hi\\nASSISTANT>\""), e.getMessage());
    // Training on every token needs no assistant spans, so it works.
    EncodedDataset all =
        new ExampleEncoder(tokenizer, inconsistent, EncodeOptions.of(64).withTrainOnInputs(true))
            .encode(data);
    assertEquals(1, all.examples().size());
  }

  @Test
  void chatDataWithoutATemplateIsRefused() {
    ExampleEncoder encoder = new ExampleEncoder(tokenizer, null, EncodeOptions.of(64));
    DatasetException e =
        assertThrows(
            DatasetException.class,
            () ->
                encoder.encode(
                    dataset(
                        new DataRecord.Conversation(
                            List.of(Message.user("Hi"), Message.assistant("Hello."))))));
    assertTrue(e.getMessage().contains("chat data needs a chat template"), e.getMessage());
  }

  @Test
  void preferencePairsShareThePromptAndBatchChosenThenRejected() {
    ExampleEncoder encoder = new ExampleEncoder(tokenizer, EncodeOptions.of(256));
    Dataset data =
        dataset(
            new DataRecord.ChatPreference(
                List.of(Message.user("Capital of France?")),
                List.of(Message.assistant("Paris.")),
                List.of(Message.assistant("Rome, I think."))),
            new DataRecord.TextPreference("The sky is", " blue.", " green."));
    EncodedPreferences encoded = encoder.encodePreferences(data);
    assertEquals(2, encoded.pairs().size());
    PreferenceExample chat = encoded.pairs().get(0);
    assertEquals(
        "<|im_start|>user\nCapital of France?<|im_end|>\n<|im_start|>assistant\n",
        tokenizer.decode(chat.promptIds(), false));
    assertEquals("Paris.<|im_end|>\n", tokenizer.decode(chat.chosenIds(), false));
    assertEquals("Rome, I think.<|im_end|>\n", tokenizer.decode(chat.rejectedIds(), false));
    PreferenceExample text = encoded.pairs().get(1);
    assertEquals("The sky is", tokenizer.decode(text.promptIds(), false));
    assertEquals(" blue." + eos, tokenizer.decode(text.chosenIds(), false));
    assertEquals(" green." + eos, tokenizer.decode(text.rejectedIds(), false));

    TokenBatch batch = Collator.forTokenizer(tokenizer).collatePreferences(encoded.pairs());
    assertEquals(4, batch.rows());
    assertEquals(" blue." + eos, labelsText(batch, 1));
    assertEquals(" green." + eos, labelsText(batch, 3));
    assertEquals("Paris.<|im_end|>\n", labelsText(batch, 0));
    assertEquals("Rome, I think.<|im_end|>\n", labelsText(batch, 2));
    assertArrayEquals(
        Arrays.copyOfRange(batch.inputIds(), 0, chat.promptIds().length),
        Arrays.copyOfRange(
            batch.inputIds(), 2 * batch.seqLen(), 2 * batch.seqLen() + chat.promptIds().length));

    assertThrows(
        DatasetException.class,
        () -> encoder.encode(dataset(new DataRecord.TextPreference("a", "b", "c"))));
  }

  @Test
  void preferenceCompletionsAreTruncatedAndHopelessPairsDropped() {
    ExampleEncoder encoder = new ExampleEncoder(tokenizer, EncodeOptions.of(8));
    EncodedPreferences encoded =
        encoder.encodePreferences(
            dataset(
                new DataRecord.TextPreference("Hi", " a very long answer that goes on", " no"),
                new DataRecord.TextPreference(
                    "A prompt too long to leave any room at all", " yes", " no")));
    assertEquals(1, encoded.pairs().size());
    assertEquals(1, encoded.truncated());
    assertEquals(List.of(2), encoded.dropped());
    PreferenceExample pair = encoded.pairs().get(0);
    assertEquals(8, pair.promptIds().length + pair.chosenIds().length);
  }

  @Test
  void bosAppearsOnceWhenTheTokenizerAddsIt(@TempDir Path dir) throws IOException {
    TinyTokenizer.write(dir);
    ObjectMapper json = new ObjectMapper();
    Path configFile = dir.resolve("tokenizer_config.json");
    ObjectNode config = (ObjectNode) json.readTree(configFile.toFile());
    config.put("add_bos_token", true);
    config.put("chat_template", "{{ bos_token }}" + TinyTokenizer.CHAT_TEMPLATE);
    json.writeValue(configFile.toFile(), config);
    try (HfTokenizer withBos = HfTokenizer.load(dir)) {
      int bos = withBos.bosId().getAsInt();
      ExampleEncoder encoder = new ExampleEncoder(withBos, EncodeOptions.of(128));
      assertArrayEquals(new int[] {bos}, encoder.leadingSpecialTokens());
      EncodedDataset encoded =
          encoder.encode(
              dataset(
                  new DataRecord.Text("A story."),
                  new DataRecord.Text(withBos.bosToken().orElseThrow() + "A story."),
                  new DataRecord.Completion("Q:", " A."),
                  new DataRecord.Conversation(
                      List.of(Message.user("Hi"), Message.assistant("Hello.")))));
      for (TokenizedExample example : encoded.examples()) {
        assertEquals(bos, example.ids()[0], "line " + example.line());
        assertTrue(example.ids()[1] != bos, "line " + example.line() + " starts with two BOS");
      }
      assertArrayEquals(encoded.examples().get(0).ids(), encoded.examples().get(1).ids());
    }
  }

  private static String labelsText(TokenBatch batch, int row) {
    List<Integer> ids = new ArrayList<>();
    for (int t = 0; t < batch.seqLen(); t++) {
      long label = batch.labels()[batch.index(row, t)];
      if (label != TokenBatch.IGNORE_INDEX) {
        ids.add((int) label);
      }
    }
    return tokenizer.decode(ids.stream().mapToInt(Integer::intValue).toArray(), false);
  }
}
