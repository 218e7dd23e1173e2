package dev.armory.engine.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerationConfigTest {
  @TempDir Path dir;

  @Test
  void absentFileIsEmpty() throws Exception {
    assertTrue(GenerationConfig.read(dir).isEmpty());
  }

  @Test
  void fieldsParseAndRoundTrip() throws Exception {
    Files.writeString(
        dir.resolve("generation_config.json"),
        "{\"bos_token_id\":1,\"eos_token_id\":[2,7],\"pad_token_id\":0,\"max_new_tokens\":64,"
            + "\"temperature\":0.7,\"top_k\":40,\"top_p\":0.9,\"do_sample\":true,"
            + "\"repetition_penalty\":1.1,\"transformers_version\":\"4.44.0\"}");
    GenerationConfig g = GenerationConfig.read(dir).orElseThrow();
    assertEquals(new GenerationConfig(1, List.of(2, 7), 0, 64, 0.7, 40, 0.9, true, 1.1), g);
    g.write(dir);
    assertEquals(g, GenerationConfig.read(dir).orElseThrow());
  }

  @Test
  void invalidTopPFailsNamingFileAndKey() throws Exception {
    Files.writeString(dir.resolve("generation_config.json"), "{\"top_p\":1.5}");
    var e = assertThrows(HfFormatException.class, () -> GenerationConfig.read(dir));
    assertTrue(
        e.getMessage().contains("generation_config.json: 'top_p' must be in (0, 1]"),
        e.getMessage());
  }
}
