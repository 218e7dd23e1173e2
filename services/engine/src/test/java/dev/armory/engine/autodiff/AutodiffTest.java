package dev.armory.engine.autodiff;

import static dev.armory.engine.autodiff.GradCheck.Input.trainable;
import static dev.armory.engine.autodiff.GradCheck.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.GraphException;
import dev.armory.engine.graph.TensorData;
import dev.armory.engine.graph.Value;
import dev.armory.engine.runtime.GraphEval;
import dev.armory.engine.runtime.GraphEval.Feed;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The walk itself: which values get gradients, where it refuses to differentiate (naming the op and
 * node), and which integer side paths it must leave alone.
 */
class AutodiffTest {
  static final ElementType F64 = ElementType.DOUBLE;

  static Value weights(GraphBuilder b, long n) {
    double[] w = uniform(7, (int) n, -1, 1);
    return b.constant(TensorData.ofDoubles(new long[] {n}, w));
  }

  @Test
  void floorOnThePathFailsNamingOpNodeAndTrainable() {
    GraphBuilder b = GraphBuilder.create("quantised");
    Value x = b.input("x", F64, 4);
    Value q;
    try (var s = b.scope("quantise")) {
      q = b.floor(b.mul(x, b.scalarLike(x, 4.0)));
    }
    Value loss = b.reduceSum(b.mul(q, weights(b, 4)), false);
    GraphException e =
        assertThrows(GraphException.class, () -> Autodiff.gradients(b, loss, List.of(x)));
    System.out.println("Floor: " + e.getMessage());
    assertTrue(e.getMessage().contains("Floor"), e.getMessage());
    assertTrue(e.getMessage().contains("quantise/Floor"), e.getMessage());
    assertTrue(e.getMessage().contains("'x'"), e.getMessage());
  }

  @Test
  void argMaxThenCastFailsInsteadOfGivingZeros() {
    GraphBuilder b = GraphBuilder.create("argmax");
    Value x = b.input("x", F64, 3, 4);
    Value picked;
    try (var s = b.scope("route")) {
      picked = b.cast(b.argMax(b.tanh(x), 1, false), F64);
    }
    Value loss = b.reduceSum(b.mul(picked, weights(b, 3)), false);
    GraphException e =
        assertThrows(GraphException.class, () -> Autodiff.gradients(b, loss, List.of(x)));
    System.out.println("ArgMax: " + e.getMessage());
    assertTrue(e.getMessage().contains("ArgMax (node route/ArgMax)"), e.getMessage());
    assertTrue(e.getMessage().contains("'x'"), e.getMessage());
  }

  @Test
  void trainableUsedOnlyInAComparisonFails() {
    // x gets a gradient through Where's branches, but the threshold only decides the condition.
    GraphBuilder b = GraphBuilder.create("threshold");
    Value x = b.input("x", F64, 4);
    Value threshold = b.input("threshold", F64, 1);
    Value y = b.where(b.greater(x, threshold), x, b.scalarLike(x, 0));
    Value loss = b.reduceSum(b.mul(y, weights(b, 4)), false);
    GraphException e =
        assertThrows(
            GraphException.class, () -> Autodiff.gradients(b, loss, List.of(x, threshold)));
    assertTrue(e.getMessage().contains("'threshold'"), e.getMessage());
    assertTrue(e.getMessage().contains("Greater"), e.getMessage());
  }

  @Test
  void integerSidePathsFromTrainablesAreNotDifferentiated() {
    // Shape(x·x) drives a Reshape and Shape(x) a run-time element count (Shape -> Gather ->
    // ReduceProd -> Cast): integer values computed from a trainable, never differentiated.
    GradCheck.Report r =
        GradCheck.check(
            (b, v) -> {
              Value x = v.get(0);
              Value reshaped = b.reshape(b.tanh(x), b.shape(b.mul(x, x)));
              return b.div(reshaped, b.reducedCount(x, 0));
            },
            trainable("x", new long[] {3, 2}, uniform(3, 6, -1, 1)).declaring("n", 2));
    System.out.printf("Shape side paths: relative error %.2e%n", r.worst());
    assertTrue(r.worst() <= 1e-6, r.relativeError().toString());
  }

  @Test
  void stopGradientMakesAStraightThroughEstimator() {
    // floor(x) forward, slope 1 backward; the Floor node is never differentiated.
    GraphBuilder b = GraphBuilder.create("straight_through");
    Value x = b.input("x", F64, 3);
    Value rounded = b.add(x, b.stopGradient(b.sub(b.floor(x), x)));
    Value loss = b.reduceSum(b.mul(rounded, b.mul(x, x)), false); // floor(x)·x², seen as x·x²
    b.output(rounded, "rounded");
    b.output(Autodiff.gradients(b, loss, List.of(x)).get(x), "dx");
    double[] xs = {0.5, -1.25, 2.75};
    GraphEval.Result r = GraphEval.run(b.graph(), Feed.of("x", new long[] {3}, xs));
    double[] dx = new double[3];
    for (int i = 0; i < 3; i++) {
      dx[i] = xs[i] * xs[i] + Math.floor(xs[i]) * 2 * xs[i]; // d(r·x²) with dr/dx = 1
    }
    assertArrayEquals(new double[] {0, -2, 2}, r.get("rounded"), 0);
    assertArrayEquals(dx, r.get("dx"), 1e-12);
    assertTrue(
        b.graph().nodes().stream().anyMatch(n -> n.name().equals("StopGradient")),
        "the detach is visible by name (an ONNX Identity)");
  }

  @Test
  void unusedTrainableGetsZeros() {
    GraphBuilder b = GraphBuilder.create("unused");
    Value x = b.input("x", F64, 2);
    Value unused = b.input("unused", F64, 3);
    Value unusedScalar = b.input("unused_scalar", F64);
    Value loss = b.reduceSum(b.mul(x, x), false);
    Map<Value, Value> g = Autodiff.gradients(b, loss, List.of(x, unused, unusedScalar));
    b.output(g.get(unused), "d_unused");
    b.output(g.get(unusedScalar), "d_unused_scalar");
    GraphEval.Result r =
        GraphEval.run(
            b.graph(),
            Feed.of("x", new long[] {2}, 1, 2),
            Feed.of("unused", new long[] {3}, 5, 6, 7),
            Feed.of("unused_scalar", new long[0], 8));
    assertArrayEquals(new double[3], r.get("d_unused"));
    assertArrayEquals(new double[1], r.get("d_unused_scalar"));
    assertArrayEquals(new long[0], r.shapes().get("d_unused_scalar"));
  }

  @Test
  void gradientWithRespectToAnIntermediateValue() {
    // h = tanh(x) is computed by a node; asking for dL/dh must not lose it to the walk, which
    // also continues through h's producer to x.
    GraphBuilder b = GraphBuilder.create("intermediate");
    Value x = b.input("x", F64, 3);
    Value h = b.tanh(x);
    Value c = weights(b, 3);
    Value loss = b.reduceSum(b.mul(b.mul(h, h), c), false);
    Map<Value, Value> g = Autodiff.gradients(b, loss, List.of(h, x));
    b.output(g.get(h), "dh");
    b.output(g.get(x), "dx");
    double[] xs = {0.3, -0.8, 1.1};
    GraphEval.Result r = GraphEval.run(b.graph(), Feed.of("x", new long[] {3}, xs));
    double[] cs = c.constant().toDoubles();
    double[] dh = new double[3];
    double[] dx = new double[3];
    for (int i = 0; i < 3; i++) {
      double t = Math.tanh(xs[i]);
      dh[i] = 2 * t * cs[i];
      dx[i] = dh[i] * (1 - t * t);
    }
    assertArrayEquals(dh, r.get("dh"), 1e-12);
    assertArrayEquals(dx, r.get("dx"), 1e-12);
  }

  @Test
  void exponentGradientIsRefusedNamingPow() {
    GraphBuilder b = GraphBuilder.create("pow");
    Value x = b.input("x", F64, 3);
    Value p = b.input("p", F64, 3);
    Value loss = b.reduceSum(b.pow(x, p), false);
    GraphException e =
        assertThrows(GraphException.class, () -> Autodiff.gradients(b, loss, List.of(x, p)));
    assertTrue(e.getMessage().contains("Pow"), e.getMessage());
    assertTrue(e.getMessage().contains("exponent"), e.getMessage());
  }

  @Test
  void reduceMeanOverComputedAxesRefusesItsGradient() {
    GraphBuilder b = GraphBuilder.create("computed_axes");
    Value x = b.input("x", F64, 2, 3);
    Value axes = b.reshape(b.nonZero(b.equal(b.shape(x), b.ints(3))), -1);
    Value m =
        b.apply(
            dev.armory.engine.graph.op.ReduceMean.OP,
            dev.armory.engine.graph.Attributes.of("keepdims", 1L),
            x,
            axes);
    Value loss = b.reduceSum(m, false);
    GraphException e =
        assertThrows(GraphException.class, () -> Autodiff.gradients(b, loss, List.of(x)));
    assertTrue(e.getMessage().contains("ReduceMean"), e.getMessage());
    assertTrue(e.getMessage().contains("computed at run time"), e.getMessage());
  }
}
