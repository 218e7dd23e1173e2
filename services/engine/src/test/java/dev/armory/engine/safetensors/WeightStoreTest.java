package dev.armory.engine.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WeightStoreTest {
  @TempDir Path dir;

  static final String SHARD1 = "model-00001-of-00002.safetensors";
  static final String SHARD2 = "model-00002-of-00002.safetensors";

  void writeShards() throws Exception {
    new SafetensorsWriter()
        .addFloats("model.embed_tokens.weight", new long[] {2, 2}, new float[] {1, 2, 3, 4})
        .addFloats("model.norm.weight", new long[] {2}, new float[] {1, 1})
        .write(dir.resolve(SHARD1));
    new SafetensorsWriter()
        .addFloats("lm_head.weight", new long[] {2, 2}, new float[] {5, 6, 7, 8})
        .write(dir.resolve(SHARD2));
  }

  void writeIndex(String weightMap) throws Exception {
    Files.writeString(
        dir.resolve(WeightStore.INDEX_FILE),
        "{\"metadata\":{\"total_size\":40},\"weight_map\":{" + weightMap + "}}");
  }

  static final String FULL_MAP =
      "\"model.embed_tokens.weight\":\""
          + SHARD1
          + "\",\"model.norm.weight\":\""
          + SHARD1
          + "\",\"lm_head.weight\":\""
          + SHARD2
          + "\"";

  @Test
  void shardedCheckpointLoadsThroughItsIndex() throws Exception {
    writeShards();
    writeIndex(FULL_MAP);
    try (WeightStore w = WeightStore.open(dir)) {
      assertEquals(
          List.of("lm_head.weight", "model.embed_tokens.weight", "model.norm.weight"), w.names());
      assertEquals(2, w.files().size());
      assertArrayEquals(new float[] {5, 6, 7, 8}, w.readFloats("lm_head.weight"));
      assertArrayEquals(new float[] {1, 2, 3, 4}, w.readFloats("model.embed_tokens.weight"));
      assertEquals(10, w.elementCount());
      assertEquals("40", w.metadata().get("total_size"));
      assertEquals(dir.resolve(SHARD2), w.file("lm_head.weight").path());
    }
  }

  @Test
  void singleFileIsPreferredAndAnyFileCanBeWrapped() throws Exception {
    new SafetensorsWriter()
        .addFloats("x", new long[] {1}, new float[] {3})
        .write(dir.resolve("model.safetensors"));
    try (WeightStore w = WeightStore.open(dir)) {
      assertEquals(List.of("x"), w.names());
      assertEquals(3f, w.readFloats("x")[0]);
    }
  }

  @Test
  void indexNamingAMissingShardFails() throws Exception {
    writeShards();
    Files.delete(dir.resolve(SHARD2));
    writeIndex(FULL_MAP);
    var e = assertThrows(SafetensorsFormatException.class, () -> WeightStore.open(dir));
    assertTrue(e.getMessage().contains(WeightStore.INDEX_FILE), e.getMessage());
    assertTrue(
        e.getMessage().contains("names shard '" + SHARD2 + "'")
            && e.getMessage().contains("does not exist"),
        e.getMessage());
  }

  @Test
  void indexNamingATensorMissingFromItsShardFails() throws Exception {
    writeShards();
    writeIndex(FULL_MAP + ",\"model.layers.0.mlp.up_proj.weight\":\"" + SHARD2 + "\"");
    var e = assertThrows(SafetensorsFormatException.class, () -> WeightStore.open(dir));
    assertTrue(
        e.getMessage().contains("'model.layers.0.mlp.up_proj.weight' in " + SHARD2),
        e.getMessage());
  }

  @Test
  void shardOutsideTheDirectoryIsRefused() throws Exception {
    writeShards();
    writeIndex("\"x\":\"../elsewhere.safetensors\"");
    var e = assertThrows(SafetensorsFormatException.class, () -> WeightStore.open(dir));
    assertTrue(e.getMessage().contains("plain file name"), e.getMessage());
  }

  @Test
  void directoryWithoutWeightsFails() {
    var e = assertThrows(SafetensorsFormatException.class, () -> WeightStore.open(dir));
    assertTrue(
        e.getMessage().contains("no model.safetensors or model.safetensors.index.json"),
        e.getMessage());
  }
}
