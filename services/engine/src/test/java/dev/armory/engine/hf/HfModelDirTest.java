package dev.armory.engine.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.armory.engine.fixtures.SharedModels;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfModelDirTest {
  @TempDir Path dir;

  @Test
  void missingDirectoryFails() {
    Path nowhere = dir.resolve("nowhere");
    var e = assertThrows(HfFormatException.class, () -> HfModelDir.open(nowhere));
    assertTrue(
        e.getMessage().contains(nowhere + ": model directory does not exist"), e.getMessage());
  }

  @Test
  void directoryWithoutConfigFails() {
    var e = assertThrows(HfFormatException.class, () -> HfModelDir.open(dir));
    assertTrue(e.getMessage().contains("config.json: not found"), e.getMessage());
  }

  @Test
  void stories260KOpensWithItsConfigWeightsAndTokenizerFiles() throws Exception {
    Optional<Path> stories = SharedModels.stories260K();
    if (stories.isEmpty()) {
      System.out.println(SharedModels.stories260KAbsentReason());
    }
    assumeTrue(stories.isPresent(), SharedModels.stories260KAbsentReason());
    try (HfModelDir model = HfModelDir.open(stories.get())) {
      LlamaConfig c = (LlamaConfig) model.config();
      assertEquals(ModelType.LLAMA, c.modelType());
      assertEquals(512, c.vocabularySize());
      assertEquals(4, c.numberOfKeyValueHeads());
      assertEquals(8, c.headSize());
      assertTrue(c.tieWordEmbeddings());
      assertEquals(List.of(2), model.generationConfig().orElseThrow().eosTokenIds());
      assertEquals(47, model.weights().names().size());
      assertTrue(model.tokenizerJson().isPresent() && model.tokenizerConfig().isPresent());
    }
  }
}
