package dev.armory.engine.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.engine.fixtures.TinyModelGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ModelConfigTest {
  @TempDir Path dir;

  static final TinyModelGenerator.Vocabulary VOCAB =
      new TinyModelGenerator.Vocabulary(300, 1, 2, null);

  ModelConfig parse(String json) throws Exception {
    Files.writeString(dir.resolve("config.json"), json);
    return ModelConfig.read(dir);
  }

  HfFormatException rejected(String json) {
    HfFormatException e = assertThrows(HfFormatException.class, () -> parse(json));
    assertTrue(e.getMessage().contains("config.json"), "names the file: " + e.getMessage());
    System.out.println("rejected as expected: " + e.getMessage());
    return e;
  }

  static final String LLAMA_MIN =
      "\"model_type\":\"llama\",\"vocab_size\":100,\"hidden_size\":64,\"intermediate_size\":128,"
          + "\"num_hidden_layers\":2,\"num_attention_heads\":4";

  @ParameterizedTest
  @EnumSource(ModelType.class)
  void generatedConfigOfEveryTypeParsesBackToTheSameValues(ModelType type) throws Exception {
    ModelConfig written = TinyModelGenerator.tinyConfig(type, VOCAB);
    written.write(dir);
    ModelConfig read = ModelConfig.read(dir);
    assertEquals(written, read);
    assertEquals(type, read.modelType());
    assertEquals(300, read.vocabularySize());
    assertEquals(List.of(2), read.eosTokenIds());
    assertTrue(
        Files.readString(dir.resolve("config.json")).contains("\"" + type.causalLmClass() + "\""));
  }

  @Test
  void generatedConfigsHaveTheShapesTestsRelyOn() {
    LlamaConfig llama = (LlamaConfig) TinyModelGenerator.tinyConfig(ModelType.LLAMA, VOCAB);
    assertTrue(llama.numberOfKeyValueHeads() < llama.numberOfHeads(), "grouped-query attention");
    assertFalse(llama.tieWordEmbeddings());
    LlamaConfig mistral = (LlamaConfig) TinyModelGenerator.tinyConfig(ModelType.MISTRAL, VOCAB);
    assertTrue(mistral.slidingWindow() < 16);
    assertEquals(mistral.slidingWindow(), mistral.slidingWindowOfLayer(1));
    LlamaConfig qwen = (LlamaConfig) TinyModelGenerator.tinyConfig(ModelType.QWEN2, VOCAB);
    assertTrue(
        qwen.queryKeyValueBias() && !qwen.outputProjectionBias() && qwen.tieWordEmbeddings());
    Gpt2Config gpt2 = (Gpt2Config) TinyModelGenerator.tinyConfig(ModelType.GPT2, VOCAB);
    assertEquals(128, gpt2.maxPositionEmbeddings());
    assertTrue(gpt2.tieWordEmbeddings());
  }

  @Test
  void llamaDefaultsFollowTransformers() throws Exception {
    LlamaConfig c = assertInstanceOf(LlamaConfig.class, parse("{" + LLAMA_MIN + "}"));
    assertEquals(4, c.numberOfKeyValueHeads(), "kv heads default to heads");
    assertEquals(16, c.headSize(), "head_dim defaults to hidden / heads");
    assertEquals(10000.0, c.ropeTheta());
    assertNull(c.ropeScaling());
    assertFalse(c.tieWordEmbeddings());
    assertFalse(c.queryKeyValueBias() || c.outputProjectionBias() || c.mlpBias());
    assertNull(c.slidingWindow());
    assertEquals(List.of(), c.eosTokenIds());
  }

  @Test
  void llamaAttentionBiasAppliesToAllFourProjectionsAndMlpBiasToTheMlp() throws Exception {
    LlamaConfig c =
        (LlamaConfig) parse("{" + LLAMA_MIN + ",\"attention_bias\":true,\"mlp_bias\":true}");
    assertTrue(c.queryKeyValueBias() && c.outputProjectionBias() && c.mlpBias());
  }

  @Test
  void eosMayBeAList() throws Exception {
    ModelConfig c =
        parse(
            "{" + LLAMA_MIN + ",\"bos_token_id\":128000,\"eos_token_id\":[128001,128008,128009]}");
    assertEquals(128000, c.bosTokenId());
    assertEquals(List.of(128001, 128008, 128009), c.eosTokenIds());
  }

  @Test
  void explicitHeadDimNeedNotDivideHidden() throws Exception {
    LlamaConfig c =
        (LlamaConfig)
            parse(
                "{"
                    + LLAMA_MIN.replace("\"num_attention_heads\":4", "\"num_attention_heads\":3")
                    + ",\"head_dim\":32,\"num_key_value_heads\":1}");
    assertEquals(32, c.headSize());
    assertEquals(1, c.numberOfKeyValueHeads());
  }

  @Test
  void ropeScalingLinearAndLlama3Parse() throws Exception {
    LlamaConfig linear =
        (LlamaConfig)
            parse("{" + LLAMA_MIN + ",\"rope_scaling\":{\"type\":\"linear\",\"factor\":4.0}}");
    assertEquals(RopeScaling.linear(4.0), linear.ropeScaling());
    LlamaConfig llama3 =
        (LlamaConfig)
            parse(
                "{"
                    + LLAMA_MIN
                    + ",\"rope_theta\":500000.0,\"rope_scaling\":{\"rope_type\":\"llama3\",\"factor\":8.0,"
                    + "\"low_freq_factor\":1.0,\"high_freq_factor\":4.0,"
                    + "\"original_max_position_embeddings\":8192}}");
    assertEquals(RopeScaling.llama3(8.0, 1.0, 4.0, 8192), llama3.ropeScaling());
    assertEquals(500000.0, llama3.ropeTheta());
    LlamaConfig roundTrip =
        (LlamaConfig) ModelConfig.parse(dir.resolve("config.json"), llama3.toJson().toString());
    assertEquals(llama3, roundTrip);
  }

  @Test
  void transformers5RopeParametersAreRead() throws Exception {
    LlamaConfig c =
        (LlamaConfig)
            parse(
                "{"
                    + LLAMA_MIN
                    + ",\"rope_parameters\":{\"rope_type\":\"default\",\"rope_theta\":1000000.0}}");
    assertEquals(1000000.0, c.ropeTheta());
    assertNull(c.ropeScaling());
  }

  @Test
  void unsupportedRopeTypeFailsNamingTheKey() {
    var e =
        rejected("{" + LLAMA_MIN + ",\"rope_scaling\":{\"rope_type\":\"yarn\",\"factor\":4.0}}");
    assertTrue(
        e.getMessage().contains("'rope_scaling.rope_type' is 'yarn'")
            && e.getMessage().contains("linear, llama3"),
        e.getMessage());
  }

  @Test
  void llama3ScalingWithoutItsFieldsFails() {
    var e =
        rejected("{" + LLAMA_MIN + ",\"rope_scaling\":{\"rope_type\":\"llama3\",\"factor\":8.0}}");
    assertTrue(e.getMessage().contains("rope_scaling.low_freq_factor"), e.getMessage());
  }

  @Test
  void activationOtherThanSiluFails() {
    var e = rejected("{" + LLAMA_MIN + ",\"hidden_act\":\"gelu\"}");
    assertTrue(
        e.getMessage().contains("'hidden_act' is 'gelu'") && e.getMessage().contains("silu"),
        e.getMessage());
  }

  @Test
  void keyValueHeadsMustDivideHeads() {
    var e = rejected("{" + LLAMA_MIN + ",\"num_key_value_heads\":3}");
    assertTrue(
        e.getMessage().contains("'num_key_value_heads' = 3 must divide 'num_attention_heads' = 4"),
        e.getMessage());
  }

  @Test
  void headsMustDivideHiddenWithoutHeadDim() {
    var e =
        rejected(
            "{"
                + LLAMA_MIN.replace("\"num_attention_heads\":4", "\"num_attention_heads\":5")
                + "}");
    assertTrue(
        e.getMessage().contains("'num_attention_heads' = 5 must divide 'hidden_size' = 64"),
        e.getMessage());
  }

  @Test
  void sizesMustBePositive() {
    var e = rejected("{" + LLAMA_MIN.replace("\"hidden_size\":64", "\"hidden_size\":0") + "}");
    assertTrue(
        e.getMessage().contains("'hidden_size' must be a positive integer, found 0"),
        e.getMessage());
  }

  @Test
  void missingRequiredKeyFails() {
    var e = rejected("{" + LLAMA_MIN.replace(",\"vocab_size\":100", "") + "}");
    assertTrue(e.getMessage().contains("'vocab_size' is missing"), e.getMessage());
  }

  @Test
  void unknownModelTypeFailsListingTheSupportedOnes() {
    var e = rejected("{\"model_type\":\"falcon\",\"hidden_size\":64}");
    assertTrue(
        e.getMessage().contains("'falcon'")
            && e.getMessage().contains("llama, mistral, qwen2, gpt2"),
        e.getMessage());
  }

  @Test
  void missingModelTypeFails() {
    var e = rejected("{\"hidden_size\":64}");
    assertTrue(e.getMessage().contains("'model_type' is missing"), e.getMessage());
  }

  @Test
  void malformedJsonFails() {
    var e = rejected("{\"model_type\": \"llama\",");
    assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
  }

  @Test
  void missingConfigFails() {
    var e = assertThrows(HfFormatException.class, () -> ModelConfig.read(dir));
    assertTrue(e.getMessage().contains("config.json: not found"), e.getMessage());
  }

  @Test
  void qwen2HasQkvBiasesAndSlidesFromMaxWindowLayers() throws Exception {
    String qwen =
        LLAMA_MIN.replace("\"llama\"", "\"qwen2\"")
            + ",\"num_hidden_layers\":4,\"use_sliding_window\":true,\"sliding_window\":16,\"max_window_layers\":2";
    LlamaConfig c = (LlamaConfig) parse("{" + qwen.replace("\"num_hidden_layers\":2,", "") + "}");
    assertTrue(c.queryKeyValueBias());
    assertFalse(c.outputProjectionBias());
    assertNull(c.slidingWindowOfLayer(1));
    assertEquals(16, c.slidingWindowOfLayer(2));
    LlamaConfig off =
        (LlamaConfig)
            parse(
                "{"
                    + LLAMA_MIN.replace("\"llama\"", "\"qwen2\"")
                    + ",\"use_sliding_window\":false,\"sliding_window\":4096}");
    assertNull(off.slidingWindow(), "the window is off unless use_sliding_window");
  }

  @Test
  void mistralWindowDefaultsTo4096AndNullMeansNone() throws Exception {
    String mistral = LLAMA_MIN.replace("\"llama\"", "\"mistral\"");
    assertEquals(4096, ((LlamaConfig) parse("{" + mistral + "}")).slidingWindow());
    assertNull(((LlamaConfig) parse("{" + mistral + ",\"sliding_window\":null}")).slidingWindow());
    assertEquals(
        12,
        ((LlamaConfig) parse("{" + mistral + ",\"sliding_window\":12}")).slidingWindowOfLayer(0));
  }

  static final String GPT2 =
      "\"model_type\":\"gpt2\",\"vocab_size\":50257,\"n_positions\":1024,\"n_embd\":768,"
          + "\"n_layer\":12,\"n_head\":12,\"n_inner\":null,\"layer_norm_epsilon\":1e-05,"
          + "\"bos_token_id\":50256,\"eos_token_id\":50256";

  @Test
  void gpt2ParsesWithDefaultInnerSizeAndTiedHead() throws Exception {
    Gpt2Config c =
        assertInstanceOf(
            Gpt2Config.class, parse("{" + GPT2 + ",\"activation_function\":\"gelu_new\"}"));
    assertEquals(3072, c.innerSize());
    assertEquals(64, c.headSize());
    assertTrue(c.tieWordEmbeddings());
    assertEquals(50256, c.bosTokenId());
    assertEquals(List.of(50256), c.eosTokenIds());
  }

  @Test
  void gpt2AcceptsGeluPytorchTanhAsTheSameActivation() throws Exception {
    Gpt2Config c =
        (Gpt2Config) parse("{" + GPT2 + ",\"activation_function\":\"gelu_pytorch_tanh\"}");
    assertEquals("gelu_new", c.activation());
  }

  @Test
  void gpt2RejectsOtherActivations() {
    var e = rejected("{" + GPT2 + ",\"activation_function\":\"relu\"}");
    assertTrue(e.getMessage().contains("'activation_function' is 'relu'"), e.getMessage());
  }

  @Test
  void gpt2HeadsMustDivideWidth() {
    var e = rejected("{" + GPT2.replace("\"n_head\":12", "\"n_head\":7") + "}");
    assertTrue(e.getMessage().contains("'n_head' = 7 must divide 'n_embd' = 768"), e.getMessage());
  }
}
