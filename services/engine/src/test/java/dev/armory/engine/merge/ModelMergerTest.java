package dev.armory.engine.merge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.armory.engine.finetune.BaseWeights;
import dev.armory.engine.fixtures.TinyModelGenerator;
import dev.armory.engine.hf.HfModelDir;
import dev.armory.engine.hf.ModelType;
import dev.armory.engine.models.ModelArchitecture;
import dev.armory.engine.models.ModelInspection;
import dev.armory.engine.models.ModelInspector;
import dev.armory.engine.peft.LoraAdapter;
import dev.armory.engine.peft.TargetModules;
import dev.armory.engine.runtime.SessionConfig;
import dev.armory.engine.safetensors.SafetensorsFile;
import dev.armory.engine.safetensors.TensorInfo;
import dev.armory.engine.safetensors.WeightStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Weighted and TIES merges, dtypes, shards, provenance and the merged directory's contents. */
class ModelMergerTest {
  @TempDir Path dir;

  private Path base(ModelType type) throws Exception {
    Path model = dir.resolve("base-" + type);
    TinyModelGenerator.generate(type, model, 7);
    return model;
  }

  @Test
  void weightedMergeOfTwoAdaptersEqualsTheWeightedSumOfTheirDeltas() throws Exception {
    Path model = base(ModelType.GPT2); // Conv1D weights: the delta is stored transposed
    Path a1 =
        MergeFixtures.randomAdapter(
            model, dir.resolve("a1"), new TargetModules.AllLinear(), 4, 1, 0.1);
    Path a2 =
        MergeFixtures.randomAdapter(
            model, dir.resolve("a2"), MergeFixtures.names("c_attn", "c_fc"), 2, 2, 0.2);
    double w1 = 0.7;
    double w2 = -0.4;
    Path out = dir.resolve("merged");
    ModelMerger.merge(
        MergeRequest.of(
            model, List.of(new WeightedAdapter(a1, w1), new WeightedAdapter(a2, w2)), out));

    try (HfModelDir m = HfModelDir.open(model);
        SafetensorsFile before = SafetensorsFile.open(model.resolve(WeightStore.SINGLE_FILE));
        SafetensorsFile after = SafetensorsFile.open(out.resolve(WeightStore.SINGLE_FILE))) {
      ModelArchitecture arch = ModelArchitecture.of(m.config());
      LoraAdapter l1 = LoraAdapter.load(a1, arch);
      LoraAdapter l2 = LoraAdapter.load(a2, arch);
      double worst = 0;
      int checked = 0;
      for (TensorInfo t : before.tensors()) {
        float[] w = before.readFloats(t.name());
        float[] merged = after.readFloats(t.name());
        double[] expected = new double[w.length];
        for (var mod : arch.linearModules()) {
          if (!mod.weightName().equals(t.name())) {
            continue;
          }
          add(expected, l1.module(mod.name()), w1);
          add(expected, l2.module(mod.name()), w2);
          checked++;
        }
        for (int i = 0; i < w.length; i++) {
          worst = Math.max(worst, Math.abs((merged[i] - (double) w[i]) - expected[i]));
        }
      }
      System.out.printf(
          "weighted merge (0.7·Δ1 − 0.4·Δ2): merged − base vs weighted delta sum, max abs %.2e over"
              + " %d linear weights%n",
          worst, checked);
      assertEquals(arch.linearModules().size(), checked);
      assertTrue(worst <= 1e-7, "merged − base differs from Σ wᵢΔWᵢ by " + worst);
    }
    // The same combination applied at run time gives the same logits.
    SessionConfig cpu = SessionConfig.defaults();
    try (AdaptedModel applied =
            AdaptedModel.open(
                model,
                List.of(new WeightedAdapter(a1, w1), new WeightedAdapter(a2, w2)),
                BaseWeights.FLOAT32,
                cpu);
        AdaptedModel merged = AdaptedModel.open(out, List.of(), BaseWeights.FLOAT32, cpu)) {
      for (long[] p : MergeFixtures.prompts(applied.vocabularySize())) {
        double d = MergeFixtures.maxAbsDiff(applied.logits(p), merged.logits(p));
        assertTrue(d <= 1e-5, "weighted adapters at run time vs merged: " + d);
      }
    }
  }

  private static void add(double[] into, LoraAdapter.Module m, double weight) {
    if (m == null) {
      return;
    }
    double[] d = MergeFixtures.storedDelta(m);
    for (int i = 0; i < d.length; i++) {
      into[i] += weight * d[i];
    }
  }

  @Test
  void weightZeroReproducesTheBaseExactly() throws Exception {
    Path model = base(ModelType.LLAMA);
    Path a =
        MergeFixtures.randomAdapter(
            model, dir.resolve("a"), new TargetModules.AllLinear(), 4, 1, 0.3);
    Path out = dir.resolve("zero");
    MergeResult r =
        ModelMerger.merge(MergeRequest.of(model, List.of(new WeightedAdapter(a, 0)), out));
    assertTrue(r.mergedModules() > 0, "the adapter's modules are still rewritten");
    try (SafetensorsFile before = SafetensorsFile.open(model.resolve(WeightStore.SINGLE_FILE));
        SafetensorsFile after = SafetensorsFile.open(out.resolve(WeightStore.SINGLE_FILE))) {
      assertEquals(before.names(), after.names());
      for (String name : before.names()) {
        assertArrayEquals(before.readFloats(name), after.readFloats(name), 0f, name);
      }
    }
    SessionConfig cpu = SessionConfig.defaults();
    try (AdaptedModel b = AdaptedModel.open(model, List.of(), BaseWeights.FLOAT32, cpu);
        AdaptedModel m = AdaptedModel.open(out, List.of(), BaseWeights.FLOAT32, cpu)) {
      long[] p = MergeFixtures.prompts(b.vocabularySize()).get(1);
      assertArrayEquals(b.logits(p), m.logits(p), 0f);
    }
  }

  @Test
  void tiesMergeAppliesTiesToEachModulesFullDelta() throws Exception {
    Path model = base(ModelType.GPT2);
    Path a1 =
        MergeFixtures.randomAdapter(
            model, dir.resolve("a1"), new TargetModules.AllLinear(), 4, 1, 0.1);
    Path a2 =
        MergeFixtures.randomAdapter(
            model, dir.resolve("a2"), new TargetModules.AllLinear(), 3, 2, 0.1);
    Path out = dir.resolve("ties");
    ModelMerger.merge(
        MergeRequest.of(
                model, List.of(new WeightedAdapter(a1, 1.0), new WeightedAdapter(a2, 0.5)), out)
            .withMethod(MergeMethod.TIES, 0.3, SignElection.TOTAL));
    try (HfModelDir m = HfModelDir.open(model);
        SafetensorsFile before = SafetensorsFile.open(model.resolve(WeightStore.SINGLE_FILE));
        SafetensorsFile after = SafetensorsFile.open(out.resolve(WeightStore.SINGLE_FILE))) {
      ModelArchitecture arch = ModelArchitecture.of(m.config());
      LoraAdapter l1 = LoraAdapter.load(a1, arch);
      LoraAdapter l2 = LoraAdapter.load(a2, arch);
      double worst = 0;
      int kept = 0;
      int total = 0;
      for (var mod : arch.linearModules()) {
        float[] w = before.readFloats(mod.weightName());
        float[] merged = after.readFloats(mod.weightName());
        float[] expected =
            TaskArithmetic.ties(
                List.of(
                    toFloats(MergeFixtures.storedDelta(l1.module(mod.name()))),
                    toFloats(MergeFixtures.storedDelta(l2.module(mod.name())))),
                new double[] {1.0, 0.5},
                0.3,
                SignElection.TOTAL);
        for (int i = 0; i < w.length; i++) {
          worst = Math.max(worst, Math.abs((merged[i] - (double) w[i]) - expected[i]));
          kept += merged[i] != w[i] ? 1 : 0;
          total++;
        }
      }
      System.out.printf(
          "TIES (density 0.3): merged − base vs TIES of the stored deltas max abs %.2e; %.1f%% of"
              + " entries changed%n",
          worst, 100.0 * kept / total);
      assertTrue(worst <= 1e-7, "TIES merge differs by " + worst);
      // Two tasks trimmed to 30% each change at most 60% of the entries.
      assertTrue(kept <= 0.6 * total + 1 && kept > 0.2 * total, kept + " of " + total);
    }
  }

  private static float[] toFloats(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }

  @Test
  void mergedDirectoryReloadsAndInspectsInHalfPrecisions() throws Exception {
    Path model = base(ModelType.QWEN2); // tied embeddings, q/k/v biases
    Path a =
        MergeFixtures.randomAdapter(
            model, dir.resolve("a"), new TargetModules.AllLinear(), 4, 1, 0.1);
    Path fp32 = dir.resolve("fp32");
    ModelMerger.merge(MergeRequest.of(model, a, fp32));
    for (WeightDType dtype : List.of(WeightDType.FP16, WeightDType.BF16)) {
      Path out = dir.resolve(dtype.name());
      MergeResult r = ModelMerger.merge(MergeRequest.of(model, a, out).withDType(dtype));
      try (HfModelDir m = HfModelDir.open(out);
          HfModelDir original = HfModelDir.open(model)) {
        ModelInspection inspection = ModelInspector.inspect(m);
        assertTrue(
            inspection.unexpectedTensors().isEmpty(), inspection.unexpectedTensors().toString());
        for (ModelInspection.Parameter p : inspection.parameters()) {
          assertEquals(dtype.dtype().name(), p.dtype(), p.name());
        }
        assertEquals(original.weights().names(), m.weights().names());
        var expectedConfig = original.config().toJson().put("torch_dtype", dtype.torchName());
        assertEquals(expectedConfig, m.config().toJson());
        assertEquals(original.generationConfig(), m.generationConfig());
        assertTrue(m.tokenizerJson().isPresent());
        JsonNode config = new ObjectMapper().readTree(out.resolve("config.json").toFile());
        assertEquals(dtype.torchName(), config.get("torch_dtype").asText());
        JsonNode manifest = new ObjectMapper().readTree(out.resolve(ModelMerger.MANIFEST).toFile());
        assertEquals("linear", manifest.get("method").asText());
        assertEquals(1, manifest.get("adapters").size());
        assertTrue(manifest.get("base_model_hash").asText().startsWith("sha256:"));
        assertEquals(
            m.weights().tensors().stream().mapToLong(TensorInfo::byteLength).sum(), r.bytes());
      }
      SessionConfig cpu = SessionConfig.defaults();
      try (AdaptedModel full = AdaptedModel.open(fp32, List.of(), BaseWeights.FLOAT32, cpu);
          AdaptedModel half = AdaptedModel.open(out, List.of(), BaseWeights.FLOAT32, cpu)) {
        long[] p = MergeFixtures.prompts(full.vocabularySize()).get(1);
        double d = MergeFixtures.maxAbsDiff(full.logits(p), half.logits(p));
        System.out.printf("merged %s vs merged fp32: max abs logit difference %.2e%n", dtype, d);
        assertTrue(d > 0 && d < 0.1, dtype + " rounding moved logits by " + d);
      }
    }
  }

  @Test
  void largeCheckpointsAreShardedWithAnIndex() throws Exception {
    Path model = base(ModelType.LLAMA);
    Path a =
        MergeFixtures.randomAdapter(
            model, dir.resolve("a"), new TargetModules.AllLinear(), 4, 1, 0.1);
    Path single = dir.resolve("single");
    Path sharded = dir.resolve("sharded");
    ModelMerger.merge(MergeRequest.of(model, a, single));
    MergeResult r =
        ModelMerger.merge(MergeRequest.of(model, a, sharded).withMaxShardBytes(100_000));
    assertTrue(r.weightFiles().size() > 2, "shards: " + r.weightFiles());
    assertFalse(Files.exists(sharded.resolve(WeightStore.SINGLE_FILE)));
    assertTrue(Files.isRegularFile(sharded.resolve(WeightStore.INDEX_FILE)));
    for (Path f : r.weightFiles()) {
      assertTrue(Files.size(f) <= 100_000 + 70_000, f + " is " + Files.size(f) + " bytes");
    }
    try (HfModelDir s = HfModelDir.open(single);
        HfModelDir m = HfModelDir.open(sharded)) {
      assertEquals(s.weights().names(), m.weights().names());
      for (String name : s.weights().names()) {
        assertArrayEquals(s.weights().readFloats(name), m.weights().readFloats(name), 0f, name);
      }
    }
  }

  @Test
  void baseWeightsComeFromTheRunManifest() throws Exception {
    Path model = base(ModelType.LLAMA);
    Path run = dir.resolve("run");
    MergeFixtures.randomAdapter(
        model, run.resolve("adapter"), new TargetModules.AllLinear(), 2, 1, 0.1);
    Files.writeString(
        run.resolve("manifest.json"),
        "{\"lineage\": {\"base_weights\": \"nf4\", \"method\": \"qlora\"}}");
    // The run directory itself is accepted: its adapter/ is used.
    MergeResult r = ModelMerger.merge(MergeRequest.of(model, run, dir.resolve("merged")));
    assertEquals(BaseWeights.NF4, r.baseWeights());
    assertEquals(
        run.resolve("manifest.json").toAbsolutePath().normalize().toString(),
        r.baseWeightsSource());
    // An NF4 round trip rewrites every linear layer, not only the adapter's.
    try (HfModelDir m = HfModelDir.open(model)) {
      assertEquals(ModelArchitecture.of(m.config()).linearModules().size(), r.rewrittenModules());
    }
    MergeResult explicit =
        ModelMerger.merge(
            MergeRequest.of(model, run, dir.resolve("fp32")).withBaseWeights(BaseWeights.FLOAT32));
    assertEquals("requested", explicit.baseWeightsSource());
  }

  @Test
  void refusesANonEmptyOutputAndAForeignAdapter() throws Exception {
    Path model = base(ModelType.LLAMA);
    Path a =
        MergeFixtures.randomAdapter(
            model, dir.resolve("a"), new TargetModules.AllLinear(), 2, 1, 0.1);
    Path busy = dir.resolve("busy");
    Files.createDirectories(busy);
    Files.writeString(busy.resolve("keep.txt"), "mine");
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ModelMerger.merge(MergeRequest.of(model, a, busy)));
    assertTrue(e.getMessage().contains("not empty"), e.getMessage());
    assertEquals("mine", Files.readString(busy.resolve("keep.txt")));

    Path gpt2 = base(ModelType.GPT2);
    Path foreign =
        MergeFixtures.randomAdapter(
            gpt2, dir.resolve("g"), new TargetModules.AllLinear(), 2, 1, 0.1);
    Exception wrong =
        assertThrows(
            Exception.class,
            () -> ModelMerger.merge(MergeRequest.of(model, foreign, dir.resolve("x"))));
    System.out.println("foreign adapter: " + wrong.getMessage());
    assertFalse(Files.exists(dir.resolve("x")), "nothing is left behind on failure");
    List<Path> leftovers = new ArrayList<>();
    try (var s = Files.list(dir)) {
      s.filter(p -> p.getFileName().toString().contains(".partial-")).forEach(leftovers::add);
    }
    assertTrue(leftovers.isEmpty(), "partial directories left: " + leftovers);
  }
}
