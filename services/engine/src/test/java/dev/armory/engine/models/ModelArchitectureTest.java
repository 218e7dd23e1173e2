package dev.armory.engine.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.engine.fixtures.TinyModelGenerator;
import dev.armory.engine.hf.ModelType;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelArchitectureTest {
  static final TinyModelGenerator.Vocabulary VOCAB =
      new TinyModelGenerator.Vocabulary(300, 1, 2, null);

  static ModelArchitecture tiny(ModelType type) {
    return ModelArchitecture.of(TinyModelGenerator.tinyConfig(type, VOCAB));
  }

  @Test
  void stories260KConfigImplies260032Parameters() {
    assertEquals(260_032, ModelArchitecture.of(ModuleTreeTest.stories260K()).parameterCount());
  }

  @Test
  void llamaLinearModulesHaveFullNamesShapesAndDefaultTargets() {
    ModelArchitecture a = tiny(ModelType.LLAMA);
    assertEquals(14, a.linearModules().size(), "7 per layer, 2 layers");
    assertEquals(
        List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"),
        a.targetableNames());
    assertEquals(List.of("q_proj", "k_proj", "v_proj", "o_proj"), a.defaultLoraTargets());
    LinearModule k = a.linearModule("model.layers.1.self_attn.k_proj");
    assertEquals(64, k.inFeatures());
    assertEquals(32, k.outFeatures(), "2 kv heads x head_dim 16");
    assertArrayEquals(new long[] {32, 64}, k.weightShape());
    assertEquals("model.layers.1.self_attn.k_proj.weight", k.weightName());
    assertNull(k.biasName());
    assertTrue(k.defaultLoraTarget());
    assertFalse(a.linearModule("model.layers.0.mlp.down_proj").defaultLoraTarget());
    assertTrue(k.matchesListEntry("k_proj") && k.matchesListEntry("self_attn.k_proj"));
    assertFalse(k.matchesListEntry("proj"));
  }

  @Test
  void qwen2HasBiasesOnQkvOnly() {
    ModelArchitecture a = tiny(ModelType.QWEN2);
    assertTrue(a.linearModule("model.layers.0.self_attn.q_proj").bias());
    assertEquals(
        "model.layers.0.self_attn.v_proj.bias",
        a.linearModule("model.layers.0.self_attn.v_proj").biasName());
    assertFalse(a.linearModule("model.layers.0.self_attn.o_proj").bias());
    assertTrue(a.parameters().stream().noneMatch(p -> p.name().equals("lm_head.weight")), "tied");
  }

  @Test
  void gpt2HasConv1DLayersAndBothCProjModulesMatchTheDefaultTarget() {
    ModelArchitecture a = tiny(ModelType.GPT2);
    assertEquals(List.of("c_attn", "c_proj", "c_fc"), a.targetableNames());
    assertEquals(List.of("c_attn", "c_proj"), a.defaultLoraTargets());
    LinearModule attn = a.linearModule("transformer.h.0.attn.c_attn");
    assertEquals(LinearModule.Layout.CONV1D, attn.layout());
    assertArrayEquals(new long[] {64, 192}, attn.weightShape(), "Conv1D stores [in, out]");
    LinearModule mlpProj = a.linearModule("transformer.h.1.mlp.c_proj");
    assertEquals(256, mlpProj.inFeatures());
    assertTrue(mlpProj.defaultLoraTarget(), "'c_proj' selects mlp.c_proj too, as in PEFT");
    assertFalse(a.linearModule("transformer.h.0.mlp.c_fc").defaultLoraTarget());
    assertTrue(
        a.isIgnoredBuffer("h.3.attn.bias")
            && a.isIgnoredBuffer("transformer.h.0.attn.masked_bias"));
    assertFalse(a.isIgnoredBuffer("transformer.h.0.attn.c_attn.bias"));
  }

  @Test
  void parametersComeInStateDictOrder() {
    List<String> names =
        tiny(ModelType.LLAMA).parameters().stream().map(ParameterSpec::name).toList();
    assertEquals("model.embed_tokens.weight", names.get(0));
    assertEquals("model.layers.0.self_attn.q_proj.weight", names.get(1));
    assertEquals("model.layers.0.post_attention_layernorm.weight", names.get(9));
    assertEquals("lm_head.weight", names.get(names.size() - 1));
  }
}
