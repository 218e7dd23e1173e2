package dev.armory.engine.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.engine.generate.FullRecomputeGenerator;
import dev.armory.engine.generate.TokenChooser;
import dev.armory.engine.hf.HfModelDir;
import dev.armory.engine.hf.LlamaConfig;
import dev.armory.engine.hf.ModelConfig;
import dev.armory.engine.runtime.SessionConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The float32 forward graphs against the plain-Java double references on tiny random models of
 * every architecture variant: logits at real positions of a padded batch, padding invariance, and
 * greedy decoding.
 */
class ReferenceParityTest {
  static final double TOLERANCE = 1e-4;
  static final int SEQ = 12;

  @TempDir Path dir;

  /**
   * Three rows of 12: full, left-padded (3 pads then 9 tokens) and right-padded (6 tokens then 6
   * pads). Windows of 8 (Mistral) and 4 (Qwen2 layer 1) are crossed by the longer rows.
   */
  record Batch(long[] ids, long[] mask, long[] positions, int batch, int seq) {
    static Batch padded(long seed) {
      int[] pads = {0, 3, 6}; // row 1: left, row 2: right
      boolean[] left = {false, true, false};
      long[] ids = new long[3 * SEQ];
      long[] mask = new long[3 * SEQ];
      SplittableRandom r = new SplittableRandom(seed);
      for (int b = 0; b < 3; b++) {
        for (int t = 0; t < SEQ; t++) {
          boolean pad = left[b] ? t < pads[b] : t >= SEQ - pads[b];
          ids[b * SEQ + t] = pad ? TinyVariant.VOCABULARY.padTokenId() : 3 + r.nextInt(297);
          mask[b * SEQ + t] = pad ? 0 : 1;
        }
      }
      return new Batch(ids, mask, Positions.fromMask(mask, 3, SEQ), 3, SEQ);
    }

    /** Row {@code b}'s real tokens alone, as a batch of one without padding. */
    Batch unpaddedRow(int b) {
      long[] row = new long[seq];
      int n = 0;
      for (int t = 0; t < seq; t++) {
        if (mask[b * seq + t] != 0) {
          row[n++] = ids[b * seq + t];
        }
      }
      long[] m = new long[n];
      Arrays.fill(m, 1);
      return new Batch(Arrays.copyOf(row, n), m, Positions.fromMask(m, 1, n), 1, n);
    }

    double[][][] run(ReferenceModel m) {
      return m.logits(ids, mask, positions, batch, seq);
    }

    double[][][] run(ForwardRunner r) {
      return r.logits(ids, mask, positions, batch, seq);
    }

    /** Max |a − b| over real (unmasked) positions. */
    double maxDiffAtTokens(double[][][] a, double[][][] b) {
      double worst = 0;
      for (int bi = 0; bi < batch; bi++) {
        for (int t = 0; t < seq; t++) {
          if (mask[bi * seq + t] == 0) {
            continue;
          }
          for (int v = 0; v < a[bi][t].length; v++) {
            worst = Math.max(worst, Math.abs(a[bi][t][v] - b[bi][t][v]));
          }
        }
      }
      return worst;
    }
  }

  @ParameterizedTest
  @EnumSource(TinyVariant.class)
  void graphLogitsMatchReferenceOnPaddedBatch(TinyVariant variant) throws Exception {
    try (HfModelDir model = HfModelDir.open(variant.write(dir, 5))) {
      CheckpointBinding checkpoint = bind(model.config(), model);
      Batch batch = Batch.padded(17);
      double[][][] expected = batch.run(ReferenceModel.of(checkpoint));
      double[][][] actual;
      try (ForwardRunner graph = new ForwardRunner(checkpoint)) {
        actual = batch.run(graph);
      }
      double diff = batch.maxDiffAtTokens(expected, actual);
      double scale = batch.maxDiffAtTokens(expected, zeros(expected));
      System.out.printf(
          "%s: graph vs reference max abs diff %.3e (max |logit| %.3e)%n", variant, diff, scale);
      assertTrue(diff <= TOLERANCE, variant + ": max abs diff " + diff + " > " + TOLERANCE);

      // The variant's feature must matter well above the tolerance, or this test proves nothing.
      ModelConfig featureOff = withoutFeature(variant, model.config());
      if (featureOff != null) {
        double[][][] without = batch.run(ReferenceModel.of(bind(featureOff, model)));
        double effect = batch.maxDiffAtTokens(without, actual);
        System.out.printf("%s: reference without the feature differs by %.3e%n", variant, effect);
        assertTrue(effect > 10 * TOLERANCE, variant + ": feature effect only " + effect);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(TinyVariant.class)
  void paddedRowsEqualTheirSequencesRunAlone(TinyVariant variant) throws Exception {
    try (HfModelDir model = HfModelDir.open(variant.write(dir, 6));
        ForwardRunner graph = new ForwardRunner(bind(model.config(), model))) {
      Batch batch = Batch.padded(23);
      double[][][] padded = batch.run(graph);
      double worst = 0;
      for (int b = 0; b < batch.batch(); b++) {
        double[][] alone = batch.unpaddedRow(b).run(graph)[0];
        int n = 0;
        for (int t = 0; t < batch.seq(); t++) {
          if (batch.mask()[b * batch.seq() + t] == 0) {
            continue;
          }
          for (int v = 0; v < alone[n].length; v++) {
            worst = Math.max(worst, Math.abs(padded[b][t][v] - alone[n][v]));
          }
          n++;
        }
      }
      System.out.printf("%s: padded rows vs alone max abs diff %.3e%n", variant, worst);
      assertTrue(worst <= TOLERANCE, variant + ": padding changed logits by " + worst);
    }
  }

  @ParameterizedTest
  @EnumSource(TinyVariant.class)
  void greedyDecodingMatchesReference(TinyVariant variant) throws Exception {
    long[] prompt = {1, 17, 42, 99, 7};
    try (HfModelDir model = HfModelDir.open(variant.write(dir, 8))) {
      CheckpointBinding checkpoint = bind(model.config(), model);
      long[] expected = ReferenceModel.of(checkpoint).greedy(prompt, 32);
      long[] actual;
      try (FullRecomputeGenerator g =
          new FullRecomputeGenerator(checkpoint, SessionConfig.defaults())) {
        actual = g.generate(prompt, 32, Set.of(), TokenChooser.greedy(), t -> {}).newTokens();
      }
      System.out.println(variant + " greedy: " + Arrays.toString(actual));
      assertArrayEquals(expected, actual, variant + ": graph and reference decode differently");
    }
  }

  private static CheckpointBinding bind(ModelConfig config, HfModelDir model) throws Exception {
    return ModelArchitecture.of(config).bind(model.weights());
  }

  /** The variant's config with its distinguishing feature switched off, or null if none. */
  private static ModelConfig withoutFeature(TinyVariant variant, ModelConfig config) {
    return switch (variant) {
      case LLAMA_ROPE_LINEAR, LLAMA_ROPE_LLAMA3 -> {
        LlamaConfig c = (LlamaConfig) config;
        yield TinyVariant.rope(c, c.ropeTheta(), null);
      }
      case MISTRAL, QWEN2_SLIDING -> TinyVariant.window((LlamaConfig) config, null, 0);
      case LLAMA, GPT2 -> null;
    };
  }

  private static double[][][] zeros(double[][][] like) {
    double[][][] z = new double[like.length][like[0].length][like[0][0].length];
    return z;
  }
}
