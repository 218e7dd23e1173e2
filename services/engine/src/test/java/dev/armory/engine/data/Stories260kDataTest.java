package dev.armory.engine.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.engine.fixtures.SharedModels;
import dev.armory.engine.tokenizer.HfTokenizer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The bundled stories and instructions on the real stories260K tokenizer, when it is present. */
class Stories260kDataTest {
  private static HfTokenizer tokenizer;

  @BeforeAll
  static void load() {
    Optional<Path> dir = SharedModels.stories260K();
    String reason = SharedModels.stories260KAbsentReason() + " its data tests";
    if (dir.isEmpty()) {
      System.out.println(reason);
    }
    Assumptions.assumeTrue(dir.isPresent(), reason);
    tokenizer = HfTokenizer.load(dir.get());
  }

  @AfterAll
  static void close() {
    if (tokenizer != null) {
      tokenizer.close();
    }
  }

  @Test
  void storiesTokeniseWithOneBosAndAFinalEos() {
    int bos = tokenizer.bosId().getAsInt();
    int eos = tokenizer.eosId().getAsInt();
    Dataset stories = DemoDatasets.stories();
    ExampleEncoder encoder = new ExampleEncoder(tokenizer, EncodeOptions.of(512));
    assertEquals(List.of(bos), Arrays.stream(encoder.leadingSpecialTokens()).boxed().toList());
    EncodedDataset encoded = encoder.encode(stories);
    assertEquals(50, encoded.examples().size());
    assertEquals(0, encoded.truncated());
    for (TokenizedExample example : encoded.examples()) {
      int[] ids = example.ids();
      assertEquals(bos, ids[0]);
      assertNotEquals(bos, ids[1], "line " + example.line() + " starts with two BOS");
      assertEquals(1, Arrays.stream(ids).filter(id -> id == bos).count());
      assertEquals(eos, ids[ids.length - 1]);
      assertEquals(ids.length - 1, example.trainableCount());
      DataRecord.Text text = (DataRecord.Text) stories.records().get(example.line() - 1).record();
      assertEquals(text.text(), tokenizer.decode(ids, true));
    }
    TokenBatch batch =
        Collator.forTokenizer(tokenizer).collate(Packer.pack(encoded.examples(), 512));
    assertEquals(eos, Collator.forTokenizer(tokenizer).padId(), "no pad token: EOS pads");
    assertEquals(encoded.tokens(), batch.realTokens());
    System.out.printf(
        "stories260K: %d stories, %d tokens (longest %d), packed into %d rows of <= 512%n",
        encoded.examples().size(), encoded.tokens(), encoded.maxLength(), batch.rows());
  }

  @Test
  void alpacaWithoutAChatTemplateUsesTheFixedLayout() {
    ExampleEncoder encoder = new ExampleEncoder(tokenizer, EncodeOptions.of(512));
    assertTrue(!encoder.hasChatTemplate());
    DatasetLine line =
        new DatasetLine(
            1, DataFormat.ALPACA, new DataRecord.Instruction("Say hello.", "", "Hello!"));
    TokenizedExample example = encoder.encode("demo", line).orElseThrow();
    int firstTrained = 0;
    while (!example.trainable()[firstTrained]) {
      firstTrained++;
    }
    assertEquals(
        AlpacaPrompt.prompt("Say hello.", ""),
        tokenizer.decode(Arrays.copyOf(example.ids(), firstTrained), true));
    assertEquals(
        "Hello!",
        tokenizer
            .decode(Arrays.copyOfRange(example.ids(), firstTrained, example.length()), true)
            .strip());
    assertEquals(tokenizer.eosId().getAsInt(), example.ids()[example.length() - 1]);
  }
}
