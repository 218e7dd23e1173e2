package dev.armory.engine.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.engine.fixtures.TinyModelGenerator;
import dev.armory.engine.hf.ModelType;
import dev.armory.engine.safetensors.DType;
import dev.armory.engine.safetensors.SafetensorsWriter;
import dev.armory.engine.safetensors.WeightStore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointBindingTest {
  @TempDir Path dir;

  /** Writes zero tensors for {@code arch}, renaming each through {@code rename}. */
  void write(
      ModelArchitecture arch, java.util.function.UnaryOperator<String> rename, String... extra)
      throws Exception {
    SafetensorsWriter w = new SafetensorsWriter();
    for (ParameterSpec p : arch.parameters()) {
      w.add(
          rename.apply(p.name()),
          DType.F32,
          p.shape(),
          ByteBuffer.allocate((int) p.elementCount() * 4));
    }
    for (String e : extra) {
      w.add(e, DType.U8, new long[] {1, 1, 4, 4}, ByteBuffer.allocate(16));
    }
    w.write(dir.resolve("model.safetensors"));
  }

  @Test
  void originalGpt2NamesWithoutPrefixAndWithMaskBuffersBind() throws Exception {
    ModelArchitecture a = ModelArchitectureTest.tiny(ModelType.GPT2);
    write(
        a,
        n -> n.replaceFirst("^transformer\\.", ""),
        "h.0.attn.bias",
        "h.0.attn.masked_bias",
        "h.1.attn.bias");
    try (WeightStore store = WeightStore.open(dir)) {
      CheckpointBinding b = a.bind(store);
      assertEquals("h.0.attn.c_attn.weight", b.tensorName("transformer.h.0.attn.c_attn.weight"));
      assertEquals("wte.weight", b.info("transformer.wte.weight").name());
      assertEquals(
          List.of("h.0.attn.bias", "h.0.attn.masked_bias", "h.1.attn.bias"), b.ignoredTensors());
      assertTrue(b.unexpectedTensors().isEmpty());
      assertEquals(a.parameterCount(), b.parameterCount());
    }
  }

  @Test
  void savePretrainedGpt2NamesWithPrefixBind() throws Exception {
    ModelArchitecture a = ModelArchitectureTest.tiny(ModelType.GPT2);
    write(a, n -> n);
    try (WeightStore store = WeightStore.open(dir)) {
      assertEquals(
          "transformer.h.1.mlp.c_fc.bias",
          a.bind(store).tensorName("transformer.h.1.mlp.c_fc.bias"));
    }
  }

  @Test
  void missingParameterFailsNamingItAndTheClosestTensor() throws Exception {
    ModelArchitecture a = ModelArchitectureTest.tiny(ModelType.LLAMA);
    write(a, n -> n.replace("layers.1.mlp.up_proj", "layers.1.mlp.upproj"));
    try (WeightStore store = WeightStore.open(dir)) {
      var e = assertThrows(ModelCheckpointException.class, () -> a.bind(store));
      assertTrue(e.getMessage().contains("'model.layers.1.mlp.up_proj.weight'"), e.getMessage());
      assertTrue(e.getMessage().contains("model.layers.1.mlp.upproj.weight"), e.getMessage());
    }
  }

  @Test
  void wrongShapeFailsNamingBothShapes() throws Exception {
    ModelArchitecture a = ModelArchitectureTest.tiny(ModelType.LLAMA);
    ModelArchitecture wider =
        ModelArchitecture.of(
            TinyModelGenerator.tinyConfig(
                ModelType.LLAMA, new TinyModelGenerator.Vocabulary(301, 1, 2, null)));
    write(wider, n -> n);
    try (WeightStore store = WeightStore.open(dir)) {
      var e = assertThrows(ModelCheckpointException.class, () -> a.bind(store));
      assertTrue(
          e.getMessage().contains("is [301, 64] but config.json implies [300, 64]"),
          e.getMessage());
    }
  }

  @Test
  void unknownTensorsAreReportedNotSilentlyCounted() throws Exception {
    ModelArchitecture a = ModelArchitectureTest.tiny(ModelType.QWEN2);
    write(a, n -> n, "lm_head.weight", "model.extra");
    try (WeightStore store = WeightStore.open(dir)) {
      CheckpointBinding b = a.bind(store);
      assertEquals(List.of("lm_head.weight"), b.ignoredTensors(), "a tied head's saved copy");
      assertEquals(List.of("model.extra"), b.unexpectedTensors());
    }
  }
}
