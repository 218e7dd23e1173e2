package dev.armory.engine.peft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.armory.engine.fixtures.TinyModelGenerator;
import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.hf.HfModelDir;
import dev.armory.engine.hf.ModelType;
import dev.armory.engine.models.CausalLmGraph;
import dev.armory.engine.models.DenseLinears;
import dev.armory.engine.models.ModelArchitecture;
import dev.armory.engine.models.ModelParameters;
import dev.armory.engine.models.Positions;
import dev.armory.engine.runtime.GraphSession;
import dev.armory.engine.runtime.SessionConfig;
import dev.armory.engine.runtime.Tensors;
import dev.armory.engine.safetensors.SafetensorsFile;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LoraTest {
  @TempDir Path dir;

  static final long[] IDS = {5, 6, 7, 8, 9, 10, 11, 12};
  static final long[] MASK = {1, 1, 1, 1, 1, 1, 1, 0};
  static final long[] LABELS = {6, 7, 8, 9, 11, 12, 13, -100};

  HfModelDir tiny(ModelType type) throws Exception {
    Path d = dir.resolve(type.name());
    TinyModelGenerator.writeModel(
        TinyModelGenerator.tinyConfig(type, new TinyModelGenerator.Vocabulary(300, 1, 2, 0)), d, 3);
    return HfModelDir.open(d);
  }

  /** Runs a forward graph on the fixed batch, feeding adapter factors when trainable. */
  static Map<String, float[]> run(GraphBuilder b, LoraAdapter adapter, List<String> outputs) {
    Map<String, double[]> d = runDouble(b, adapter, outputs, false);
    Map<String, float[]> out = new HashMap<>();
    d.forEach(
        (k, v) -> {
          float[] f = new float[v.length];
          for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
          }
          out.put(k, f);
        });
    return out;
  }

  /** Runs with adapter factors fed in float64 when {@code asDouble}; outputs widened to double. */
  static Map<String, double[]> runDouble(
      GraphBuilder b, LoraAdapter adapter, List<String> outputs, boolean asDouble) {
    Map<String, OnnxTensor> feeds = new HashMap<>();
    try (GraphSession s = GraphSession.create(b.graph(), SessionConfig.defaults())) {
      feeds.put("input_ids", Tensors.longs(IDS, 2, 4));
      feeds.put("attention_mask", Tensors.longs(MASK, 2, 4));
      feeds.put("position_ids", Tensors.longs(Positions.fromMask(MASK, 2, 4), 2, 4));
      if (s.inputNames().contains("labels")) {
        feeds.put("labels", Tensors.longs(LABELS, 2, 4));
      }
      if (adapter != null) {
        for (LoraAdapter.Module m : adapter.modules()) {
          if (s.inputNames().contains(m.aKey())) {
            feeds.put(
                m.aKey(),
                asDouble
                    ? Tensors.doubles(doubles(m.a()), m.aShape())
                    : Tensors.floats(array(m.a()), m.aShape()));
            feeds.put(
                m.bKey(),
                asDouble
                    ? Tensors.doubles(doubles(m.b()), m.bShape())
                    : Tensors.floats(array(m.b()), m.bShape()));
          }
        }
      }
      Map<String, double[]> out = new HashMap<>();
      try (OrtSession.Result r = s.run(feeds, new java.util.HashSet<>(outputs))) {
        for (String o : outputs) {
          out.put(
              o,
              asDouble
                  ? Tensors.toDoubles(r.get(o).get())
                  : widen(Tensors.toFloats(r.get(o).get())));
        }
      }
      return out;
    } finally {
      feeds.values().forEach(OnnxTensor::close);
    }
  }

  static double[] widen(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  static double[] doubles(FloatBuffer b) {
    return widen(array(b));
  }

  static float[] array(FloatBuffer b) {
    float[] a = new float[b.capacity()];
    b.duplicate().rewind().get(a);
    return a;
  }

  static float[] baseLogits(HfModelDir model, ModelArchitecture arch) throws Exception {
    GraphBuilder b = GraphBuilder.create("base");
    CausalLmGraph.build(
        b,
        arch,
        ModelParameters.frozen(arch.bind(model.weights())),
        CausalLmGraph.Options.logitsOnly());
    return run(b, null, List.of("logits")).get("logits");
  }

  static GraphBuilder adapted(
      HfModelDir model,
      ModelArchitecture arch,
      LoraAdapter adapter,
      boolean trainable,
      boolean withLoss)
      throws Exception {
    return adapted(model, arch, adapter, trainable, withLoss, ElementType.FLOAT);
  }

  static GraphBuilder adapted(
      HfModelDir model,
      ModelArchitecture arch,
      LoraAdapter adapter,
      boolean trainable,
      boolean withLoss,
      ElementType dtype)
      throws Exception {
    GraphBuilder b = GraphBuilder.create("lora");
    ModelParameters params =
        new ModelParameters(arch.bind(model.weights()), java.util.Set.of(), dtype);
    DenseLinears base = new DenseLinears(params);
    LoraLinears lora =
        trainable ? LoraLinears.trainable(base, adapter, null) : LoraLinears.frozen(base, adapter);
    CausalLmGraph.Options o =
        withLoss ? CausalLmGraph.Options.training() : CausalLmGraph.Options.logitsOnly();
    CausalLmGraph.build(b, arch, params, o.withLinears(lora));
    return b;
  }

  @ParameterizedTest
  @EnumSource(
      value = ModelType.class,
      names = {"LLAMA", "GPT2"})
  void freshAdapterReproducesBaseLogitsExactly(ModelType type) throws Exception {
    try (HfModelDir model = tiny(type)) {
      ModelArchitecture arch = ModelArchitecture.of(model.config());
      LoraAdapter adapter = LoraAdapter.initialise(arch, LoraConfig.defaults().withRank(4), 1);
      float[] base = baseLogits(model, arch);
      float[] lora =
          run(adapted(model, arch, adapter, true, false), adapter, List.of("logits")).get("logits");
      assertArrayEquals(base, lora, 0f, "B = 0 at step 0, so the adapted model is the base model");
    }
  }

  @ParameterizedTest
  @EnumSource(ModelType.class)
  void gradientsOfAAndBMatchFiniteDifferencesInFloat64(ModelType type) throws Exception {
    try (HfModelDir model = tiny(type)) {
      ModelArchitecture arch = ModelArchitecture.of(model.config());
      LoraConfig config =
          LoraConfig.defaults().withRank(2).withAlpha(4).withTargets(new TargetModules.AllLinear());
      LoraAdapter adapter = LoraAdapter.initialise(arch, config, 1);
      LoraGradientCheck.randomiseB(adapter, 9);
      GraphBuilder b = adapted(model, arch, adapter, true, true, ElementType.DOUBLE);
      int last = arch.config().numberOfLayers() - 1; // one module of each kind keeps it fast
      double worst = LoraGradientCheck.relativeError(b, adapter, layer -> layer == last);
      System.out.printf(
          "%s LoRA gradients vs central differences (float64): relative error %.2e%n", type, worst);
      assertTrue(worst < 1e-6, "worst relative error " + worst);
    }
  }

  @Test
  void savedAdapterUsesPeftKeysAndReloadsToTheSameLogits() throws Exception {
    try (HfModelDir model = tiny(ModelType.GPT2)) {
      ModelArchitecture arch = ModelArchitecture.of(model.config());
      LoraAdapter adapter = LoraAdapter.initialise(arch, LoraConfig.defaults().withRank(4), 1);
      SplittableRandom r = new SplittableRandom(5);
      for (LoraAdapter.Module m : adapter.modules()) {
        for (int i = 0; i < m.b().capacity(); i++) {
          m.b().put(i, (float) (r.nextDouble() - 0.5));
        }
      }
      Path out = dir.resolve("adapter");
      adapter.save(out);
      try (SafetensorsFile f = SafetensorsFile.open(out.resolve(LoraAdapter.WEIGHTS_FILE))) {
        assertTrue(
            f.contains("base_model.model.transformer.h.0.attn.c_attn.lora_A.weight"),
            f.names().toString());
        assertArrayEquals(
            new long[] {4, arch.config().hiddenSize()},
            f.info("base_model.model.transformer.h.0.attn.c_attn.lora_A.weight").shape());
        assertArrayEquals(
            new long[] {3L * arch.config().hiddenSize(), 4},
            f.info("base_model.model.transformer.h.0.attn.c_attn.lora_B.weight").shape());
        assertEquals("pt", f.metadata().get("format"));
      }
      LoraAdapter reloaded = LoraAdapter.load(out, arch);
      float[] before =
          run(adapted(model, arch, adapter, false, false), null, List.of("logits")).get("logits");
      float[] after =
          run(adapted(model, arch, reloaded, false, false), null, List.of("logits")).get("logits");
      assertArrayEquals(before, after, 0f);
      float[] base = baseLogits(model, arch);
      assertTrue(maxAbsDiff(base, after) > 1e-3, "a non-zero B changes the logits");
    }
  }

  static double maxAbsDiff(float[] a, float[] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }
}
