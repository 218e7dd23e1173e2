package dev.armory.engine.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.armory.engine.finetune.BaseWeights;
import dev.armory.engine.fixtures.TinyModelGenerator;
import dev.armory.engine.hf.HfModelDir;
import dev.armory.engine.hf.ModelType;
import dev.armory.engine.merge.WeightedAdapter;
import dev.armory.engine.models.ModelArchitecture;
import dev.armory.engine.peft.LoraAdapter;
import dev.armory.engine.peft.LoraConfig;
import dev.armory.engine.peft.TargetModules;
import dev.armory.proto.onnx.ModelProto;
import dev.armory.proto.onnx.StringStringEntryProto;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Exports validate themselves: fp32 within 1e-4 of the engine, fp16 and int4 measured. */
class OnnxExporterTest {
  @TempDir Path dir;

  static Path adapter(Path model, Path out, int rank, long seed) throws Exception {
    return adapter(model, out, rank, seed, 0.1, 0.1);
  }

  /**
   * An all-linear adapter of rank r (alpha 2r): A and B normal with the given std, or A as {@link
   * LoraAdapter#initialise} draws it when {@code stdA} is 0.
   */
  static Path adapter(Path model, Path out, int rank, long seed, double stdA, double stdB)
      throws Exception {
    try (HfModelDir m = HfModelDir.open(model)) {
      ModelArchitecture arch = ModelArchitecture.of(m.config());
      LoraConfig config =
          LoraConfig.defaults()
              .withRank(rank)
              .withAlpha(2.0 * rank)
              .withTargets(new TargetModules.AllLinear());
      LoraAdapter a = LoraAdapter.initialise(arch, config, seed);
      SplittableRandom random = new SplittableRandom(seed);
      for (LoraAdapter.Module mod : a.modules()) {
        if (stdA > 0) {
          fill(mod.a(), random, stdA);
        }
        fill(mod.b(), random, stdB);
      }
      a.save(out);
    }
    return out;
  }

  @ParameterizedTest
  @CsvSource({
    "LLAMA, FLOAT32, FP32",
    "GPT2, FLOAT32, FP32",
    "MISTRAL, FLOAT32, FP32",
    "QWEN2, FLOAT32, FP32",
    "LLAMA, NF4, FP32",
    "GPT2, NF4, FP32",
    "LLAMA, FLOAT32, FP16",
    "GPT2, FLOAT32, FP16",
    "LLAMA, FLOAT32, INT4",
    "GPT2, FLOAT32, INT4"
  })
  void exportPassesItsOwnParityCheck(ModelType type, BaseWeights base, ExportPrecision precision)
      throws Exception {
    Path model = dir.resolve("base");
    TinyModelGenerator.generate(type, model, 21);
    Path a = adapter(model, dir.resolve("adapter"), 4, 5);
    Path out = dir.resolve("export");
    ExportResult r =
        OnnxExporter.export(
            ExportRequest.of(model, List.of(WeightedAdapter.of(a)), precision, out)
                .withBaseWeights(base));
    ParityReport p = r.parity();
    System.out.printf(
        "%s %s base -> %s export: max abs %.3e, mean abs %.3e, greedy agreement %.0f%%, %d + %d"
            + " bytes%n",
        type,
        base,
        precision,
        p.maxAbs(),
        p.meanAbs(),
        100 * p.greedyAgreement(),
        r.onnxBytes(),
        r.dataBytes());
    assertTrue(p.passed());
    if (precision == ExportPrecision.FP32) {
      assertTrue(p.maxAbs() <= 1e-4, "fp32 parity " + p.maxAbs());
      assertEquals(1.0, p.greedyAgreement());
    }
  }

  @org.junit.jupiter.api.Test
  void exportDirectoryIsSelfDescribing() throws Exception {
    Path model = dir.resolve("base");
    TinyModelGenerator.generate(ModelType.LLAMA, model, 21);
    Path a = adapter(model, dir.resolve("adapter"), 4, 5);
    Path out = dir.resolve("export");
    ExportResult r =
        OnnxExporter.export(
            ExportRequest.of(
                model, List.of(new WeightedAdapter(a, 0.8)), ExportPrecision.FP32, out));
    for (String f :
        List.of(
            "model.onnx",
            "model.onnx.data",
            "model.onnx.json",
            "parity_report.json",
            "config.json",
            "generation_config.json",
            "tokenizer.json",
            "tokenizer_config.json")) {
      assertTrue(Files.isRegularFile(out.resolve(f)), f + " missing");
    }
    try (var s = Files.list(out)) {
      assertFalse(
          s.anyMatch(p -> p.getFileName().toString().startsWith("merged")), "temp merge left");
    }
    try (var s = Files.list(dir)) {
      assertFalse(s.anyMatch(p -> p.getFileName().toString().contains(".partial-")));
    }
    Map<String, String> meta = metadata(out.resolve("model.onnx"));
    assertEquals("fp32", meta.get("armory.precision"));
    assertEquals(model.toAbsolutePath().normalize().toString(), meta.get("armory.base_model"));
    assertTrue(meta.get("armory.base_model_hash").startsWith("sha256:"));
    assertTrue(meta.get("armory.adapters_merged").contains("\"weight\":0.8"), meta.toString());
    assertEquals("linear", meta.get("armory.merge_method"));
    assertTrue(meta.containsKey("armory.version"));

    JsonNode d = new ObjectMapper().readTree(out.resolve("model.onnx.json").toFile());
    assertEquals("armory-onnx-causal-lm", d.get("format").asText());
    assertEquals("llama", d.get("model_type").asText());
    assertEquals(2, d.path("kv_cache").path("num_key_value_heads").asInt());
    assertEquals(16, d.path("kv_cache").path("head_dim").asInt());
    assertEquals("fp32", d.path("precision").path("weights").asText());
    assertTrue(d.path("parity").path("passed").asBoolean());
    assertTrue(d.path("tokenizer").path("files").toString().contains("tokenizer.json"));
    assertTrue(d.path("tokenizer").path("eos_token_ids").size() > 0);
    JsonNode report = new ObjectMapper().readTree(out.resolve("parity_report.json").toFile());
    assertEquals(OnnxExporter.DEFAULT_PROMPTS.size(), report.get("prompts").size());
    assertEquals("Once upon a time", report.get("prompts").get(0).get("text").asText());

    // A consumer with only the directory reproduces the greedy tokens of the report.
    try (ExportedModel m =
        ExportedModel.open(out, dev.armory.engine.runtime.SessionConfig.defaults())) {
      ParityReport.PromptParity first = r.parity().prompts().get(0);
      try (var tok = dev.armory.engine.tokenizer.HfTokenizer.load(out)) {
        long[] ids =
            java.util.Arrays.stream(tok.encode("Once upon a time", true)).asLongStream().toArray();
        float[] l = m.prefill(ids);
        int v = m.vocabularySize();
        l = java.util.Arrays.copyOfRange(l, l.length - v, l.length);
        for (int k = 0; k < first.greedyTokens(); k++) {
          long next = ParityCheck.argmax(l, 0, v);
          assertEquals(first.tokens()[k], next, "token " + k);
          l = m.next(next);
        }
      }
    }
  }

  @org.junit.jupiter.api.Test
  void fp16ExportStoresHalfWeightsAndCastsThem() throws Exception {
    Path model = dir.resolve("base");
    TinyModelGenerator.generate(ModelType.GPT2, model, 21);
    Path fp32 = dir.resolve("fp32");
    Path fp16 = dir.resolve("fp16");
    ExportResult full =
        OnnxExporter.export(ExportRequest.of(model, List.of(), ExportPrecision.FP32, fp32));
    ExportResult half =
        OnnxExporter.export(ExportRequest.of(model, List.of(), ExportPrecision.FP16, fp16));
    ModelProto proto;
    try (InputStream in = Files.newInputStream(fp16.resolve("model.onnx"))) {
      proto = ModelProto.parseFrom(in);
    }
    long halves =
        proto.getGraph().getInitializerList().stream().filter(t -> t.getDataType() == 10).count();
    long casts =
        proto.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Cast")).count();
    System.out.printf(
        "fp16 export: %d float16 initializers, data %d bytes vs fp32 %d; max abs %.3e%n",
        halves, half.dataBytes(), full.dataBytes(), half.parity().maxAbs());
    assertTrue(halves > 0 && casts >= halves, halves + " halves, " + casts + " casts");
    assertTrue(half.dataBytes() < 0.6 * full.dataBytes());
    assertTrue(half.parity().maxAbs() > 0, "fp16 rounding should show");
    assertTrue(full.parity().maxAbs() <= 1e-4);
  }

  @org.junit.jupiter.api.Test
  void exportOverTheThresholdIsRejected() throws Exception {
    Path model = dir.resolve("base");
    TinyModelGenerator.generate(ModelType.LLAMA, model, 21);
    Path out = dir.resolve("int4");
    ExportRequest request =
        ExportRequest.of(model, List.of(), ExportPrecision.INT4, out)
            .withInt4(16, 0)
            .withParity(
                ParitySettings.defaults()
                    .withThreshold(ExportPrecision.INT4, 1e-6)
                    .withGreedyTokens(4));
    ExportParityException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ExportParityException.class, () -> OnnxExporter.export(request));
    System.out.println(e.getMessage());
    System.out.println(e.report().toText());
    assertFalse(Files.exists(out), "a rejected export must not appear at the target");
    assertTrue(Files.isRegularFile(dir.resolve("int4.rejected").resolve("parity_report.json")));
    assertFalse(e.report().passed());
    Map<String, String> meta = metadata(dir.resolve("int4.rejected").resolve("model.onnx"));
    assertEquals("16", meta.get("armory.int4_block_size"));
    assertEquals("0", meta.get("armory.int4_accuracy_level"));
  }

  @org.junit.jupiter.api.Test
  void tiesExportIsCheckedAgainstTheMergedWeights() throws Exception {
    Path model = dir.resolve("base");
    TinyModelGenerator.generate(ModelType.LLAMA, model, 21);
    Path a1 = adapter(model, dir.resolve("a1"), 4, 5);
    Path a2 = adapter(model, dir.resolve("a2"), 2, 6);
    ExportResult r =
        OnnxExporter.export(
            ExportRequest.of(
                    model,
                    List.of(WeightedAdapter.of(a1), new WeightedAdapter(a2, 0.5)),
                    ExportPrecision.FP32,
                    dir.resolve("ties"))
                .withMethod(
                    dev.armory.engine.merge.MergeMethod.TIES,
                    0.5,
                    dev.armory.engine.merge.SignElection.FREQUENCY));
    assertTrue(r.parity().reference().contains("TIES"), r.parity().reference());
    assertTrue(r.parity().maxAbs() <= 1e-4, "" + r.parity().maxAbs());
    assertEquals("ties", metadata(r.onnxFile()).get("armory.merge_method"));
  }

  private static void fill(FloatBuffer b, SplittableRandom random, double std) {
    for (int i = 0; i < b.capacity(); i++) {
      b.put(i, (float) (random.nextGaussian() * std));
    }
  }

  static Map<String, String> metadata(Path onnx) throws Exception {
    try (InputStream in = Files.newInputStream(onnx)) {
      Map<String, String> m = new HashMap<>();
      for (StringStringEntryProto e : ModelProto.parseFrom(in).getMetadataPropsList()) {
        m.put(e.getKey(), e.getValue());
      }
      return m;
    }
  }
}
