package dev.armory.engine.nn;

import static dev.armory.engine.autodiff.GradCheck.Input.trainable;
import static dev.armory.engine.autodiff.GradCheck.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.engine.autodiff.Autodiff;
import dev.armory.engine.autodiff.GradCheck;
import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.GraphException;
import dev.armory.engine.graph.TensorData;
import dev.armory.engine.graph.Value;
import dev.armory.engine.runtime.GraphEval;
import dev.armory.engine.runtime.GraphEval.Feed;
import dev.armory.engine.runtime.GraphSession;
import dev.armory.engine.runtime.SessionConfig;
import dev.armory.engine.runtime.Tensors;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Cross-entropy's value against a Java reference, its masking, and its gradient in float64. */
class CrossEntropyTest {
  static final long IGNORE = -100;
  static final long[] LOGITS_SHAPE = {2, 3, 5}; // B, T, V
  static final long[] LABELS_SHAPE = {2, 3};

  /** Mean negative log-likelihood over counted positions, computed stably in double. */
  static double reference(double[] logits, long[] labels, int vocab) {
    double total = 0;
    int counted = 0;
    for (int p = 0; p < labels.length; p++) {
      if (labels[p] == IGNORE) {
        continue;
      }
      double max = Double.NEGATIVE_INFINITY;
      for (int v = 0; v < vocab; v++) {
        max = Math.max(max, logits[p * vocab + v]);
      }
      double sum = 0;
      for (int v = 0; v < vocab; v++) {
        sum += Math.exp(logits[p * vocab + v] - max);
      }
      total += -(logits[p * vocab + (int) labels[p]] - max - Math.log(sum));
      counted++;
    }
    return counted == 0 ? 0 : total / counted;
  }

  /** Loss and d(loss)/d(logits) of the graph at these logits and labels. */
  static GraphEval.Result lossAndGradient(ElementType type, double[] logits, long[] labels) {
    GraphBuilder b = GraphBuilder.create("cross_entropy");
    Value x = b.input("logits", type, "batch", "seq", 5);
    Value y = b.input("labels", ElementType.INT64, "batch", "seq");
    Value loss = b.output(CrossEntropy.loss(b, x, y, IGNORE), "loss");
    b.output(b.cast(Autodiff.gradients(b, loss, List.of(x)).get(x), ElementType.DOUBLE), "dlogits");
    return GraphEval.run(
        b.graph(),
        Feed.of("logits", LOGITS_SHAPE, logits),
        Feed.longs("labels", LABELS_SHAPE, labels));
  }

  @Test
  void valueIsTheMeanOverCountedTokens() {
    double[] logits = uniform(1, 30, -3, 3);
    long[] labels = {1, IGNORE, 4, 0, 2, IGNORE};
    double got = lossAndGradient(ElementType.DOUBLE, logits, labels).scalar("loss");
    double want = reference(logits, labels, 5);
    System.out.printf("cross-entropy %.15f, reference %.15f%n", got, want);
    assertEquals(want, got, 1e-12);
  }

  @Test
  void ignoredPositionsDoNotChangeTheValueWhateverTheirLogits() {
    double[] logits = uniform(2, 30, -3, 3);
    long[] labels = {1, IGNORE, 4, 0, 2, IGNORE};
    double before = lossAndGradient(ElementType.DOUBLE, logits, labels).scalar("loss");
    for (int v = 0; v < 5; v++) {
      logits[5 + v] = 50 * v; // position 1 is ignored
    }
    assertEquals(before, lossAndGradient(ElementType.DOUBLE, logits, labels).scalar("loss"), 0);
  }

  @Test
  void allIgnoredBatchGivesZeroLossAndZeroGradientWithoutNaN() {
    double[] logits = uniform(3, 30, -3, 3);
    long[] labels = new long[6];
    Arrays.fill(labels, IGNORE);
    GraphEval.Result r = lossAndGradient(ElementType.DOUBLE, logits, labels);
    assertEquals(0.0, r.scalar("loss"), 0);
    assertArrayEquals(new double[30], r.get("dlogits"), 0);
  }

  @Test
  void maskedVocabularyAtAnIgnoredPositionStaysFinite() {
    // Position 1 is ignored and its class 0 (the class ignored positions read) is masked to −∞.
    double[] logits = uniform(4, 30, -3, 3);
    logits[5] = Double.NEGATIVE_INFINITY;
    long[] labels = {1, IGNORE, 4, 0, 2, 3};
    GraphEval.Result r = lossAndGradient(ElementType.DOUBLE, logits, labels);
    assertEquals(reference(logits, labels, 5), r.scalar("loss"), 1e-12);
    for (double d : r.get("dlogits")) {
      assertTrue(Double.isFinite(d), "gradient " + Arrays.toString(r.get("dlogits")));
    }
  }

  @Test
  void largeFloat32LogitsStayStable() {
    double[] logits = uniform(5, 30, -3, 3);
    for (int i = 0; i < logits.length; i++) {
      logits[i] = Math.round(logits[i] * 1000) + 20000; // exp would overflow float32
    }
    long[] labels = {1, 2, 4, 0, 2, IGNORE};
    GraphBuilder b = GraphBuilder.create("cross_entropy_f32");
    Value x = b.input("logits", ElementType.FLOAT, 2, 3, 5);
    Value y = b.input("labels", ElementType.INT64, 2, 3);
    b.output(b.cast(CrossEntropy.loss(b, x, y, IGNORE), ElementType.DOUBLE), "loss");
    float[] f = new float[30];
    for (int i = 0; i < 30; i++) {
      f[i] = (float) logits[i];
    }
    double got;
    try (var s = GraphSession.create(b.graph(), SessionConfig.defaults());
        var xt = Tensors.floats(f, LOGITS_SHAPE);
        var yt = Tensors.longs(labels, LABELS_SHAPE);
        var r = s.run(Map.of("logits", xt, "labels", yt))) {
      got = Tensors.toDoubles(r.get("loss").get())[0];
    }
    assertEquals(reference(logits, labels, 5), got, 1e-3);
  }

  @Test
  void gradientWithRespectToLogitsMatchesFiniteDifferences() {
    long[] labels = {1, IGNORE, 4, 0, 2, IGNORE};
    GradCheck.Report r =
        GradCheck.check(
            (b, v) ->
                CrossEntropy.loss(
                    b, v.get(0), b.constant(TensorData.ofLongs(LABELS_SHAPE, labels)), IGNORE),
            trainable("logits", LOGITS_SHAPE, uniform(6, 30, -3, 3)));
    System.out.printf("CrossEntropy d/dlogits: relative error %.2e%n", r.worst());
    assertTrue(r.worst() <= 1e-6, r.relativeError().toString());
  }

  @Test
  void labelsOfTheWrongTypeOrRankAreRefused() {
    GraphBuilder b = GraphBuilder.create("bad");
    Value x = b.input("logits", ElementType.FLOAT, 2, 3, 5);
    Value int32 = b.input("labels32", ElementType.INT32, 2, 3);
    Value flat = b.input("flat", ElementType.INT64, 6);
    GraphException type =
        assertThrows(GraphException.class, () -> CrossEntropy.loss(b, x, int32, IGNORE));
    assertTrue(type.getMessage().contains("int64"), type.getMessage());
    GraphException rank =
        assertThrows(GraphException.class, () -> CrossEntropy.loss(b, x, flat, IGNORE));
    assertTrue(rank.getMessage().contains("one dim fewer"), rank.getMessage());
  }
}
