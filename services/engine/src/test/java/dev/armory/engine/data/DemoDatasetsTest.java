package dev.armory.engine.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.engine.tokenizer.HfTokenizer;
import dev.armory.engine.tokenizer.TinyTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoDatasetsTest {

  @Test
  void bundledDatasetsAreCleanAndDistinct() {
    Dataset instructions = DemoDatasets.instructions();
    assertEquals(96, instructions.records().size());
    assertEquals(Set.of(DataFormat.ALPACA), instructions.formats());
    assertEquals(List.of(), Duplicates.find(instructions.records()));
    assertTrue(
        instructions.records().stream()
            .anyMatch(
                l ->
                    l.record()
                        .equals(
                            new DataRecord.Instruction(
                                "What is the capital of France?", "", "Paris."))));
    Dataset stories = DemoDatasets.stories();
    assertEquals(50, stories.records().size());
    assertEquals(Set.of(DataFormat.TEXT), stories.formats());
    assertEquals(List.of(), Duplicates.find(stories.records()));
  }

  @Test
  void copiedFileHasTheSameHashAsTheResource(@TempDir Path dir) {
    Path file = DemoDatasets.copy(DemoDatasets.INSTRUCTIONS, dir.resolve("data/train.jsonl"));
    assertTrue(Files.isRegularFile(file));
    assertEquals(
        DemoDatasets.instructions().sha256(),
        JsonlDatasetReader.read(file, ReadOptions.defaults()).sha256());
  }

  @Test
  void instructionsFitShortSequencesOnTheTinyTokenizer(@TempDir Path dir) {
    TinyTokenizer.write(dir);
    try (HfTokenizer tokenizer = HfTokenizer.load(dir)) {
      EncodedDataset encoded =
          new ExampleEncoder(tokenizer, EncodeOptions.of(128)).encode(DemoDatasets.instructions());
      assertEquals(96, encoded.examples().size());
      assertEquals(0, encoded.truncated());
      assertTrue(encoded.maxLength() <= 64, "longest example: " + encoded.maxLength());
      System.out.printf(
          "demo instructions on the tiny tokenizer: %d examples, %d tokens, %d trained, longest %d%n",
          encoded.examples().size(),
          encoded.tokens(),
          encoded.trainableTokens(),
          encoded.maxLength());
    }
  }
}
