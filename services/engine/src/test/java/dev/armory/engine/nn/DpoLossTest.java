package dev.armory.engine.nn;

import static dev.armory.engine.autodiff.GradCheck.Input.fixed;
import static dev.armory.engine.autodiff.GradCheck.Input.trainable;
import static dev.armory.engine.autodiff.GradCheck.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.engine.autodiff.GradCheck;
import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.TensorData;
import dev.armory.engine.graph.Value;
import dev.armory.engine.runtime.GraphEval;
import dev.armory.engine.runtime.GraphEval.Feed;
import org.junit.jupiter.api.Test;

/** DPO's loss and rewards against a Java reference, at h = 0, and its gradient in float64. */
class DpoLossTest {
  static final long IGNORE = -100;

  /** −(1−ε)·log σ(h) − ε·log σ(−h), averaged over pairs, in double. */
  static double reference(double[] policy, double[] ref, double beta, double eps) {
    int pairs = policy.length / 2;
    double total = 0;
    for (int k = 0; k < pairs; k++) {
      double h =
          beta * ((policy[k] - ref[k]) - (policy[k + pairs] - ref[k + pairs])); // chosen − rejected
      total += (1 - eps) * -logSigmoid(h) + eps * -logSigmoid(-h);
    }
    return total / pairs;
  }

  static double logSigmoid(double x) {
    return x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
  }

  static GraphEval.Result run(double[] policy, double[] ref, double beta, double eps) {
    GraphBuilder b = GraphBuilder.create("dpo");
    Value p = b.input("policy", ElementType.DOUBLE, "rows");
    Value r = b.input("reference", ElementType.DOUBLE, "rows");
    DpoLoss.Outputs o = DpoLoss.build(b, p, r, beta, eps);
    b.output(o.loss(), "loss");
    b.output(o.chosenRewards(), "chosen");
    b.output(o.rejectedRewards(), "rejected");
    long[] shape = {policy.length};
    return GraphEval.run(
        b.graph(), Feed.of("policy", shape, policy), Feed.of("reference", shape, ref));
  }

  @Test
  void valueAndRewardsMatchTheFormula() {
    double[] policy = uniform(1, 8, -40, -5);
    double[] ref = uniform(2, 8, -40, -5);
    for (double eps : new double[] {0, 0.1, 0.3}) {
      GraphEval.Result r = run(policy, ref, 0.1, eps);
      double want = reference(policy, ref, 0.1, eps);
      System.out.printf(
          "DPO loss (eps %.1f): %.15f, reference %.15f%n", eps, r.scalar("loss"), want);
      assertEquals(want, r.scalar("loss"), 1e-12);
    }
    GraphEval.Result r = run(policy, ref, 0.5, 0);
    for (int k = 0; k < 4; k++) {
      assertEquals(0.5 * (policy[k] - ref[k]), r.get("chosen")[k], 1e-12);
      assertEquals(0.5 * (policy[k + 4] - ref[k + 4]), r.get("rejected")[k], 1e-12);
    }
  }

  @Test
  void policyEqualToTheReferenceGivesLog2AndZeroRewards() {
    double[] logps = uniform(3, 6, -30, -1);
    for (double eps : new double[] {0, 0.25}) {
      GraphEval.Result r = run(logps, logps.clone(), 0.1, eps);
      assertEquals(Math.log(2), r.scalar("loss"), 1e-15);
      assertArrayEquals(new double[3], r.get("chosen"), 0);
      assertArrayEquals(new double[3], r.get("rejected"), 0);
    }
  }

  @Test
  void asBetaGoesToZeroTheLossGoesToLog2WhateverTheLogProbs() {
    double[] policy = uniform(8, 8, -60, -5);
    double[] ref = uniform(9, 8, -60, -5);
    double previous = Double.POSITIVE_INFINITY;
    for (double beta : new double[] {1, 1e-2, 1e-4, 1e-8}) {
      double gap = Math.abs(run(policy, ref, beta, 0).scalar("loss") - Math.log(2));
      assertTrue(gap < previous, "beta " + beta + ": |loss − log 2| " + gap);
      previous = gap;
    }
    assertEquals(0, previous, 1e-7);
  }

  @Test
  void largeMarginsStayFinite() {
    double[] policy = {-1, -1000};
    double[] ref = {-1000, -1};
    GraphEval.Result wrong = run(new double[] {policy[1], policy[0]}, ref, 1.0, 0.1);
    GraphEval.Result right = run(policy, ref, 1.0, 0.1);
    assertEquals(reference(policy, ref, 1.0, 0.1), right.scalar("loss"), 1e-9);
    assertTrue(Double.isFinite(wrong.scalar("loss")), "softplus of a large h is h, not ∞");
  }

  @Test
  void gradientWithRespectToPolicyLogProbsMatchesFiniteDifferences() {
    for (double eps : new double[] {0, 0.2}) {
      GradCheck.Report r =
          GradCheck.check(
              (b, v) -> DpoLoss.build(b, v.get(0), v.get(1), 0.7, eps).loss(),
              trainable("policy", new long[] {6}, uniform(4, 6, -3, 3)).declaring("rows"),
              fixed("reference", new long[] {6}, uniform(5, 6, -3, 3)).declaring("rows"));
      System.out.printf("DPO loss d/dlogps (eps %.1f): relative error %.2e%n", eps, r.worst());
      assertTrue(r.worst() <= 1e-7, r.relativeError().toString());
    }
  }

  @Test
  void sequenceLogProbsSumTheLabelledPositionsOfEachRow() {
    double[] logits = uniform(6, 30, -3, 3); // B 2, T 3, V 5
    long[] labels = {1, IGNORE, 4, IGNORE, IGNORE, IGNORE};
    GraphBuilder b = GraphBuilder.create("seq");
    Value x = b.input("logits", ElementType.DOUBLE, "batch", "seq", 5);
    Value y = b.input("labels", ElementType.INT64, "batch", "seq");
    b.output(CrossEntropy.sequenceLogProbs(b, x, y, IGNORE), "logps");
    double[] got =
        GraphEval.run(
                b.graph(),
                Feed.of("logits", new long[] {2, 3, 5}, logits),
                Feed.longs("labels", new long[] {2, 3}, labels))
            .get("logps");
    double row0 =
        -CrossEntropyTest.reference(logits, new long[] {1, IGNORE, 4, IGNORE, IGNORE, IGNORE}, 5)
            * 2;
    assertEquals(row0, got[0], 1e-12);
    assertEquals(0.0, got[1], 0, "a row without labels scores 0");
  }

  @Test
  void sequenceLogProbGradientMatchesFiniteDifferences() {
    long[] labels = {1, IGNORE, 4, 0, 2, IGNORE};
    GradCheck.Report r =
        GradCheck.check(
            (b, v) ->
                CrossEntropy.sequenceLogProbs(
                    b, v.get(0), b.constant(TensorData.ofLongs(new long[] {2, 3}, labels)), IGNORE),
            trainable("logits", new long[] {2, 3, 5}, uniform(7, 30, -3, 3)));
    System.out.printf("sequence log-probs d/dlogits: relative error %.2e%n", r.worst());
    assertTrue(r.worst() <= 1e-6, r.relativeError().toString());
  }

  @Test
  void badSettingsAreRefusedWithTheValue() {
    GraphBuilder b = GraphBuilder.create("bad");
    Value p = b.input("policy", ElementType.FLOAT, "rows");
    IllegalArgumentException beta =
        assertThrows(IllegalArgumentException.class, () -> DpoLoss.build(b, p, p, 0, 0));
    assertTrue(beta.getMessage().contains("beta"), beta.getMessage());
    IllegalArgumentException eps =
        assertThrows(IllegalArgumentException.class, () -> DpoLoss.build(b, p, p, 0.1, 0.5));
    assertTrue(eps.getMessage().contains("0.5"), eps.getMessage());
  }
}
