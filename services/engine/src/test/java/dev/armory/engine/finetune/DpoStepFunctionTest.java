package dev.armory.engine.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.armory.engine.data.Collator;
import dev.armory.engine.data.PreferenceExample;
import dev.armory.engine.data.TokenBatch;
import dev.armory.engine.fixtures.TinyModelGenerator;
import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.hf.HfModelDir;
import dev.armory.engine.hf.ModelType;
import dev.armory.engine.models.CausalLmGraph;
import dev.armory.engine.models.ForwardGraph;
import dev.armory.engine.models.ModelArchitecture;
import dev.armory.engine.models.ModelParameters;
import dev.armory.engine.peft.LoraAdapter;
import dev.armory.engine.peft.LoraConfig;
import dev.armory.engine.peft.TargetModules;
import dev.armory.engine.runtime.GraphSession;
import dev.armory.engine.runtime.SessionConfig;
import dev.armory.engine.runtime.Tensors;
import dev.armory.engine.train.Parameters;
import dev.armory.engine.train.SplitMix64;
import dev.armory.engine.train.StepOutput;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The compiled DPO step on tiny models: its gradient against central differences in float64, the
 * step-0 identity (policy = reference: loss log 2, rewards 0), and the in-graph sequence log-prob
 * against a Java sum over the model's logits.
 */
class DpoStepFunctionTest {
  @TempDir Path dir;

  static final double BETA = 0.5;

  /** Three pairs with prompts and completions of different lengths (padding in every row). */
  static TokenBatch batch() {
    List<PreferenceExample> pairs =
        List.of(
            new PreferenceExample(
                1, new int[] {1, 40, 41, 42}, new int[] {50, 51, 2}, new int[] {60, 2}, false),
            new PreferenceExample(
                2, new int[] {1, 43}, new int[] {52, 2}, new int[] {61, 62, 63, 2}, false),
            new PreferenceExample(
                3, new int[] {1, 44, 45}, new int[] {53, 54, 55, 56, 2}, new int[] {64, 2}, false));
    return new Collator(0).collatePreferences(pairs);
  }

  HfModelDir tiny(ModelType type) throws Exception {
    Path d = dir.resolve(type.name());
    TinyModelGenerator.generate(type, d, 5);
    return HfModelDir.open(d);
  }

  static LoraAdapter adapter(ModelArchitecture arch) {
    LoraConfig config =
        LoraConfig.defaults().withRank(2).withAlpha(4).withTargets(new TargetModules.AllLinear());
    return LoraAdapter.initialise(arch, config, 3);
  }

  static void randomiseB(LoraAdapter adapter, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    for (LoraAdapter.Module m : adapter.modules()) {
      for (int i = 0; i < m.b().capacity(); i++) {
        m.b().put(i, (float) (r.nextDouble() - 0.5));
      }
    }
  }

  static Parameters params(LoraAdapter adapter) {
    Parameters p = new Parameters();
    for (LoraAdapter.Module m : adapter.modules()) {
      p.wrap(m.aKey(), m.aShape(), m.a());
      p.wrap(m.bKey(), m.bShape(), m.b());
    }
    return p;
  }

  // ---- gradient check in float64 ----------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(ModelType.class)
  void gradientOfTheDpoLossMatchesFiniteDifferencesInFloat64(ModelType type) throws Exception {
    try (HfModelDir model = tiny(type)) {
      ModelArchitecture arch = ModelArchitecture.of(model.config());
      LoraAdapter adapter = adapter(arch);
      randomiseB(adapter, 9);
      ModelParameters doubles =
          new ModelParameters(arch.bind(model.weights()), Set.of(), ElementType.DOUBLE);
      DpoTrainingGraph g =
          DpoTrainingGraph.build(arch, doubles, adapter, BaseWeights.FLOAT32, BETA, 0.1);
      TokenBatch batch = batch();
      // Reference log-probs away from the policy's, so the loss is not at its symmetric point.
      double[] reference = new double[batch.rows()];
      for (int i = 0; i < reference.length; i++) {
        reference[i] = -12 + 0.7 * i;
      }
      int last = arch.config().numberOfLayers() - 1;
      try (GraphSession s =
          GraphSession.create(g.trainingGraph().graph(), SessionConfig.defaults())) {
        List<String> outs = new ArrayList<>(List.of(ForwardGraph.LOSS));
        outs.addAll(g.gradientOutputs().values());
        Map<String, double[]> at = runDouble(s, batch, reference, adapter, outs);
        double maxDiff = 0;
        double maxGrad = 0;
        for (LoraAdapter.Module m : adapter.modules()) {
          if (m.target().layer() != last) {
            continue; // one layer of modules keeps it fast
          }
          for (boolean isA : new boolean[] {true, false}) {
            FloatBuffer buf = isA ? m.a() : m.b();
            String key = isA ? m.aKey() : m.bKey();
            double[] analytic = at.get(g.gradientOutputs().get(key));
            for (int k = 0; k < 2; k++) {
              int i = (k * 7919 + 13) % buf.capacity();
              float orig = buf.get(i);
              float h = 1f / 65536; // a float step: the fed values are what the quotient divides by
              buf.put(i, orig + h);
              double plus = runDouble(s, batch, reference, adapter, List.of("loss")).get("loss")[0];
              buf.put(i, orig - h);
              double minus =
                  runDouble(s, batch, reference, adapter, List.of("loss")).get("loss")[0];
              buf.put(i, orig);
              double numeric = (plus - minus) / (((double) (orig + h)) - ((double) (orig - h)));
              maxDiff = Math.max(maxDiff, Math.abs(numeric - analytic[i]));
              maxGrad = Math.max(maxGrad, Math.abs(numeric));
            }
          }
        }
        double worst = maxDiff / maxGrad;
        System.out.printf(
            "%s DPO gradients vs central differences (float64): relative error %.2e (max |g| %.3e)%n",
            type, worst, maxGrad);
        assertTrue(maxGrad > 1e-8, "the checked gradients are not all zero");
        assertTrue(worst < 1e-6, "worst relative error " + worst);
      }
    }
  }

  static Map<String, double[]> runDouble(
      GraphSession s, TokenBatch t, double[] reference, LoraAdapter adapter, List<String> outputs) {
    Map<String, OnnxTensor> feeds = new HashMap<>();
    try {
      long[] shape = t.shape();
      feeds.put(ForwardGraph.INPUT_IDS, Tensors.longs(t.inputIds(), shape));
      feeds.put(ForwardGraph.ATTENTION_MASK, Tensors.longs(t.attentionMask(), shape));
      feeds.put(ForwardGraph.POSITION_IDS, Tensors.longs(t.positionIds(), shape));
      feeds.put(ForwardGraph.LABELS, Tensors.longs(t.labels(), shape));
      feeds.put(ForwardGraph.SEGMENT_IDS, Tensors.longs(t.segmentIds(), shape));
      feeds.put(DpoTrainingGraph.REFERENCE_LOGPS, Tensors.doubles(reference, reference.length));
      for (LoraAdapter.Module m : adapter.modules()) {
        feeds.put(m.aKey(), Tensors.doubles(widen(m.a()), m.aShape()));
        feeds.put(m.bKey(), Tensors.doubles(widen(m.b()), m.bShape()));
      }
      Map<String, double[]> out = new HashMap<>();
      try (OrtSession.Result r = s.run(feeds, new HashSet<>(outputs))) {
        for (String o : outputs) {
          out.put(o, Tensors.toDoubles(r.get(o).get()));
        }
      }
      return out;
    } finally {
      feeds.values().forEach(OnnxTensor::close);
    }
  }

  static double[] widen(FloatBuffer b) {
    double[] d = new double[b.capacity()];
    for (int i = 0; i < d.length; i++) {
      d[i] = b.get(i);
    }
    return d;
  }

  // ---- step 0 -----------------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(
      value = BaseWeights.class,
      names = {"NF4", "FLOAT32"})
  void atStepZeroThePolicyIsTheReferenceSoTheLossIsLog2AndRewardsAreZero(BaseWeights base)
      throws Exception {
    try (HfModelDir model = tiny(ModelType.LLAMA)) {
      ModelArchitecture arch = ModelArchitecture.of(model.config());
      LoraAdapter adapter = adapter(arch);
      Parameters p = params(adapter);
      DpoTrainingGraph g =
          DpoTrainingGraph.build(
              arch, ModelParameters.frozen(arch.bind(model.weights())), adapter, base, BETA, 0.2);
      try (DpoStepFunction step = new DpoStepFunction(g, p, SessionConfig.defaults(), BETA, 0.2)) {
        TokenBatch t = batch();
        float[] reference = step.logProbs(t);
        StepOutput out = step.forwardBackward(new DpoBatch(t, reference), p, new SplitMix64(1));
        System.out.printf(
            "%s step 0: loss %.9f (log 2 = %.9f), metrics %s%n",
            base, out.loss(), Math.log(2), out.metrics());
        assertEquals(Math.log(2), out.loss(), 1e-6);
        assertEquals(0.0, out.metrics().get(DpoStats.REWARDS_CHOSEN), 0);
        assertEquals(0.0, out.metrics().get(DpoStats.REWARDS_REJECTED), 0);
        assertEquals(0.0, out.metrics().get(DpoStats.REWARDS_MARGIN), 0);
        assertEquals(0.5, out.metrics().get(DpoStats.REWARDS_ACCURACY), 0, "ties count half");
        assertEquals(3, out.lossTokens(), "the loss is a mean over pairs");
        double norm = 0;
        for (FloatBuffer gb : out.gradients().values()) {
          for (int i = 0; i < gb.capacity(); i++) {
            norm += gb.get(i) * gb.get(i);
          }
        }
        assertTrue(norm > 0, "log σ has slope 1/2 at 0: the first step moves the policy");
        for (float v : reference) {
          assertTrue(v < 0 && Float.isFinite(v), "a log-probability: " + v);
        }
      }
    }
  }

  // ---- sequence log-prob against Java ----------------------------------------------------------

  @Test
  void sequenceLogProbEqualsAJavaSumOverTheModelsLogits() throws Exception {
    try (HfModelDir model = tiny(ModelType.QWEN2)) {
      ModelArchitecture arch = ModelArchitecture.of(model.config());
      LoraAdapter adapter = adapter(arch);
      randomiseB(adapter, 4); // an adapter that changes the logits
      Parameters p = params(adapter);
      ModelParameters weights = ModelParameters.frozen(arch.bind(model.weights()));
      TokenBatch t = batch();
      float[] inGraph;
      DpoTrainingGraph g =
          DpoTrainingGraph.build(arch, weights, adapter, BaseWeights.FLOAT32, BETA, 0);
      try (DpoStepFunction step = new DpoStepFunction(g, p, SessionConfig.defaults(), BETA, 0)) {
        inGraph = step.logProbs(t);
      }
      // The same model's logits, and log-softmax summed over the labelled positions in Java.
      GraphBuilder b = GraphBuilder.create("logits");
      CausalLmGraph.build(
          b,
          arch,
          weights,
          CausalLmGraph.Options.logitsOnly()
              .packing()
              .withLinears(
                  dev.armory.engine.peft.LoraLinears.frozen(
                      new dev.armory.engine.models.DenseLinears(weights), adapter)));
      float[] logits;
      Map<String, OnnxTensor> feeds = new HashMap<>();
      try (GraphSession s = GraphSession.create(b.graph(), SessionConfig.defaults())) {
        long[] shape = t.shape();
        feeds.put(ForwardGraph.INPUT_IDS, Tensors.longs(t.inputIds(), shape));
        feeds.put(ForwardGraph.ATTENTION_MASK, Tensors.longs(t.attentionMask(), shape));
        feeds.put(ForwardGraph.POSITION_IDS, Tensors.longs(t.positionIds(), shape));
        feeds.put(ForwardGraph.SEGMENT_IDS, Tensors.longs(t.segmentIds(), shape));
        try (OrtSession.Result r = s.run(feeds, Set.of(ForwardGraph.LOGITS))) {
          logits = Tensors.toFloats(r.get(ForwardGraph.LOGITS).get());
        }
      } finally {
        feeds.values().forEach(OnnxTensor::close);
      }
      int vocab = logits.length / (t.rows() * t.seqLen());
      double worst = 0;
      for (int row = 0; row < t.rows(); row++) {
        double sum = 0;
        int scored = 0;
        for (int pos = 0; pos < t.seqLen(); pos++) {
          long label = t.labels()[t.index(row, pos)];
          if (label == TokenBatch.IGNORE_INDEX) {
            continue;
          }
          int base = t.index(row, pos) * vocab;
          double max = Double.NEGATIVE_INFINITY;
          for (int v = 0; v < vocab; v++) {
            max = Math.max(max, logits[base + v]);
          }
          double z = 0;
          for (int v = 0; v < vocab; v++) {
            z += Math.exp(logits[base + v] - max);
          }
          sum += logits[base + (int) label] - max - Math.log(z);
          scored++;
        }
        assertTrue(scored > 0, "every row scores its completion");
        worst = Math.max(worst, Math.abs(sum - inGraph[row]) / Math.abs(sum));
      }
      System.out.printf("sequence log-probs in graph vs Java: relative error %.2e%n", worst);
      assertTrue(worst < 1e-5, "relative error " + worst);
    }
  }
}
