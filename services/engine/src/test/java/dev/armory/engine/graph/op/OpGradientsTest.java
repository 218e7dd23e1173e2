package dev.armory.engine.graph.op;

import static dev.armory.engine.autodiff.GradCheck.Input.fixed;
import static dev.armory.engine.autodiff.GradCheck.Input.trainable;
import static dev.armory.engine.autodiff.GradCheck.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.engine.autodiff.Autodiff;
import dev.armory.engine.autodiff.GradCheck;
import dev.armory.engine.graph.Attributes;
import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.TensorData;
import dev.armory.engine.graph.Value;
import dev.armory.engine.runtime.GraphEval;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * One gradient check per VJP rule, in float64 on ONNX Runtime against central differences (relative
 * error ≤ 1e-6). Inputs include broadcasting and repeated use of one value. ONNX Runtime 1.29's CPU
 * provider has no float64 kernel for Erf and Softplus; those two are checked in float32 with step
 * 1e-3 and relative error ≤ {@value #FLOAT32_TOL}. Inputs declared with symbolic dims exercise the
 * rules' run-time shape paths (Slice's pads, Concat's split sizes, the walk's broadcast undoing).
 */
class OpGradientsTest {
  static final double TOL = 1e-6;

  /** Tolerance of float32 checks (step 1e-3: float rounding ~1e-7/1e-3 plus truncation ~1e-6). */
  static final double FLOAT32_TOL = 1e-3;

  static long[] s(long... d) {
    return d;
  }

  static double[] u(long seed, long[] shape) {
    int n = 1;
    for (long d : shape) {
      n *= (int) d;
    }
    return uniform(seed, n, -1.5, 1.5);
  }

  static double[] pos(long seed, long[] shape) {
    int n = 1;
    for (long d : shape) {
      n *= (int) d;
    }
    return uniform(seed, n, 0.3, 2.0);
  }

  static GradCheck.Report check(
      String what, BiFunction<GraphBuilder, List<Value>, Value> f, GradCheck.Input... in) {
    GradCheck.Report r = GradCheck.check(f, in);
    System.out.printf("%-48s relative error %.2e%n", what, r.worst());
    assertTrue(r.worst() <= TOL, what + ": " + r.relativeError());
    return r;
  }

  /**
   * Asserts that the backward part of a checked graph has no {@code opType} node (a run-time path
   * that is not needed).
   */
  static void assertBackwardAvoids(GradCheck.Report r, String opType) {
    assertTrue(
        r.graph().nodes().stream()
            .noneMatch(n -> n.name().startsWith("grad/") && n.opType().equals(opType)),
        "unexpected backward " + opType + " node");
  }

  /** Asserts that the backward part of a checked graph uses {@code opType} (a run-time path). */
  static void assertBackwardUses(GradCheck.Report r, String opType) {
    assertTrue(
        r.graph().nodes().stream()
            .anyMatch(n -> n.name().startsWith("grad/") && n.opType().equals(opType)),
        "expected a backward " + opType + " node (the run-time shape path)");
  }

  /** A check with another element type, step and tolerance (stated by the caller). */
  static void check(
      String what,
      ElementType type,
      double h,
      double tol,
      BiFunction<GraphBuilder, List<Value>, Value> f,
      GradCheck.Input... in) {
    GradCheck.Report r = GradCheck.check(type, h, f, in);
    System.out.printf(
        "%-48s relative error %.2e (%s, h=%.0e, tol %.0e)%n",
        what, r.worst(), type.name().toLowerCase(), h, tol);
    assertTrue(r.worst() <= tol, what + ": " + r.relativeError());
  }

  static Value longs(GraphBuilder b, long[] shape, long... v) {
    return b.constant(TensorData.ofLongs(shape, v));
  }

  @Test
  void add() {
    check(
        "Add (broadcast)",
        (b, v) -> b.add(v.get(0), v.get(1)),
        trainable("a", s(2, 3, 4), u(1, s(2, 3, 4))),
        trainable("c", s(3, 1), u(2, s(3, 1))));
  }

  @Test
  void sub() {
    check(
        "Sub (broadcast)",
        (b, v) -> b.sub(v.get(0), v.get(1)),
        trainable("a", s(4), u(1, s(4))),
        trainable("c", s(3, 4), u(2, s(3, 4))));
  }

  @Test
  void mul() {
    check(
        "Mul (repeated use)",
        (b, v) -> b.mul(b.mul(v.get(0), v.get(0)), v.get(1)),
        trainable("a", s(2, 3), u(1, s(2, 3))),
        trainable("c", s(1, 3), u(2, s(1, 3))));
  }

  @Test
  void div() {
    check(
        "Div (broadcast)",
        (b, v) -> b.div(v.get(0), v.get(1)),
        trainable("a", s(2, 3), u(1, s(2, 3))),
        trainable("c", s(3), pos(2, s(3))));
  }

  @Test
  void neg() {
    check("Neg", (b, v) -> b.neg(v.get(0)), trainable("a", s(5), u(1, s(5))));
  }

  @Test
  void pow() {
    check(
        "Pow (constant exponent)",
        (b, v) -> b.pow(v.get(0), 2.5),
        trainable("a", s(2, 3), pos(1, s(2, 3))));
  }

  @Test
  void sqrt() {
    check("Sqrt", (b, v) -> b.sqrt(v.get(0)), trainable("a", s(2, 3), pos(1, s(2, 3))));
  }

  @Test
  void reciprocal() {
    check("Reciprocal", (b, v) -> b.reciprocal(v.get(0)), trainable("a", s(2, 3), pos(1, s(2, 3))));
  }

  @Test
  void exp() {
    check("Exp", (b, v) -> b.exp(v.get(0)), trainable("a", s(2, 3), u(1, s(2, 3))));
  }

  @Test
  void log() {
    check("Log", (b, v) -> b.log(v.get(0)), trainable("a", s(2, 3), pos(1, s(2, 3))));
  }

  @Test
  void tanh() {
    check("Tanh", (b, v) -> b.tanh(v.get(0)), trainable("a", s(2, 3), u(1, s(2, 3))));
  }

  @Test
  void sigmoid() {
    check("Sigmoid", (b, v) -> b.sigmoid(v.get(0)), trainable("a", s(2, 3), u(1, s(2, 3))));
  }

  @Test
  void relu() {
    // Values kept away from the kink at 0, where the derivative is undefined.
    double[] x = {-1.2, -0.4, 0.3, 0.9, 1.7, -2.0};
    check("Relu", (b, v) -> b.relu(v.get(0)), trainable("a", s(2, 3), x));
  }

  @Test
  void softmax() {
    check(
        "Softmax (axis -1)",
        (b, v) -> b.softmax(v.get(0), -1),
        trainable("a", s(2, 3, 4), u(1, s(2, 3, 4))));
    check(
        "Softmax (axis 1)",
        (b, v) -> b.softmax(v.get(0), 1),
        trainable("a", s(2, 3, 4), u(2, s(2, 3, 4))));
  }

  @Test
  void logSoftmax() {
    check(
        "LogSoftmax", (b, v) -> b.logSoftmax(v.get(0), -1), trainable("a", s(3, 5), u(1, s(3, 5))));
  }

  @Test
  void matmul() {
    check(
        "MatMul (batched x shared W)",
        (b, v) -> b.matmul(v.get(0), v.get(1)),
        trainable("x", s(2, 3, 4), u(1, s(2, 3, 4))),
        trainable("w", s(4, 5), u(2, s(4, 5))));
    check(
        "MatMul (broadcast batch)",
        (b, v) -> b.matmul(v.get(0), v.get(1)),
        trainable("x", s(2, 1, 3, 4), u(3, s(2, 1, 3, 4))),
        trainable("w", s(3, 4, 2), u(4, s(3, 4, 2))));
  }

  @Test
  void gemm() {
    check(
        "Gemm (transA, transB, C)",
        (b, v) -> b.gemm(v.get(0), v.get(1), v.get(2), 0.7, 1.3, true, true),
        trainable("a", s(4, 3), u(1, s(4, 3))),
        trainable("w", s(5, 4), u(2, s(5, 4))),
        trainable("c", s(5), u(3, s(5))));
    check(
        "Gemm (plain)",
        (b, v) -> b.gemm(v.get(0), v.get(1), null, 1, 1, false, false),
        trainable("a", s(3, 4), u(1, s(3, 4))),
        trainable("w", s(4, 5), u(2, s(4, 5))));
  }

  // ---- reductions -----------------------------------------------------------------------------

  @Test
  void reduceSum() {
    check(
        "ReduceSum (axis 1, keepdims 1)",
        (b, v) -> b.reduceSum(v.get(0), true, 1),
        trainable("a", s(2, 3, 4), u(1, s(2, 3, 4))));
    check(
        "ReduceSum (axes 0,2, keepdims 0)",
        (b, v) -> b.reduceSum(v.get(0), false, 0, 2),
        trainable("a", s(2, 3, 4), u(2, s(2, 3, 4))));
    check(
        "ReduceSum (axis -1, keepdims 0, repeated)",
        (b, v) -> b.mul(b.reduceSum(v.get(0), false, -1), b.reduceSum(v.get(0), false, -1)),
        trainable("a", s(3, 4), u(3, s(3, 4))));
    check(
        "ReduceSum (all axes)",
        (b, v) -> b.reduceSum(b.mul(v.get(0), v.get(0)), false),
        trainable("a", s(2, 3), u(4, s(2, 3))));
  }

  @Test
  void reduceSumOverAxesComputedAtRunTime() {
    // Axes found at run time (as Broadcasts.sumTo does): the axis whose extent is 3, and an axis
    // of extent 7, which does not exist, so nothing is reduced (noop_with_empty_axes).
    check(
        "ReduceSum (computed axes)",
        (b, v) -> b.reduceSumNoopEmpty(v.get(0), axesOfExtent(b, v.get(0), 3)),
        trainable("a", s(2, 3), u(1, s(2, 3))));
    check(
        "ReduceSum (computed axes, empty at run time)",
        (b, v) -> b.reduceSumNoopEmpty(v.get(0), axesOfExtent(b, v.get(0), 7)),
        trainable("a", s(2, 3), u(2, s(2, 3))));
  }

  /** The axes of {@code x} whose extent is {@code n}, as a 1-D int64 value computed at run time. */
  static Value axesOfExtent(GraphBuilder b, Value x, long n) {
    return b.reshape(b.nonZero(b.equal(b.shape(x), b.ints(n))), -1);
  }

  @Test
  void reduceMean() {
    check(
        "ReduceMean (axis 1, keepdims 1)",
        (b, v) -> b.reduceMean(v.get(0), true, 1),
        trainable("a", s(2, 3, 4), u(1, s(2, 3, 4))));
    check(
        "ReduceMean (axes 0,2, keepdims 0)",
        (b, v) -> b.reduceMean(v.get(0), false, 0, 2),
        trainable("a", s(2, 3, 4), u(2, s(2, 3, 4))));
    check(
        "ReduceMean (all axes, keepdims 1)",
        (b, v) -> b.reduceMean(b.exp(v.get(0)), true),
        trainable("a", s(2, 3), u(3, s(2, 3))));
    assertBackwardUses(
        check(
            "ReduceMean (symbolic axis: run-time count)",
            (b, v) -> b.reduceMean(v.get(0), false, 0),
            trainable("a", s(4, 3), u(4, s(4, 3))).declaring("n", 3)),
        "ReduceProd");
  }

  @Test
  void reduceMax() {
    check(
        "ReduceMax (axis 1, keepdims 0)",
        (b, v) -> b.reduceMax(v.get(0), false, 1),
        trainable("a", s(2, 3, 4), u(1, s(2, 3, 4))));
    check(
        "ReduceMax (axes 0,2, keepdims 1)",
        (b, v) -> b.reduceMax(v.get(0), true, 0, 2),
        trainable("a", s(2, 3, 4), u(2, s(2, 3, 4))));
    check(
        "ReduceMax (all axes, keepdims 0)",
        (b, v) -> b.reduceMax(v.get(0), false),
        trainable("a", s(3, 4), u(3, s(3, 4))));
    // Two-way ties: central differences see slope 1 on one side and 0 on the other, i.e. 1/2 to
    // each tied element, which is what the rule gives.
    double[] tied = {0.7, -0.2, 0.7, 0.1, -1.0, 0.4, -1.3, 0.4};
    check(
        "ReduceMax (two-way ties split the gradient)",
        (b, v) -> b.reduceMax(v.get(0), false, 1),
        trainable("a", s(2, 4), tied));
  }

  @Test
  void reduceMaxSplitsThreeWayTiesEvenly() {
    // Central differences cannot see a three-way split (they give 1/2), so assert the rule's
    // values directly: each of the three maxima gets a third of the upstream gradient.
    GraphBuilder b = GraphBuilder.create("ties");
    Value x = b.input("x", ElementType.DOUBLE, 4);
    Value loss = b.mul(b.reduceMax(x, false), b.scalarLike(x, 6.0));
    b.output(Autodiff.gradients(b, loss, List.of(x)).get(x), "dx");
    double[] dx =
        GraphEval.run(b.graph(), GraphEval.Feed.of("x", s(4), 0.5, 0.9, 0.9, 0.9)).get("dx");
    assertArrayEquals(new double[] {0, 2, 2, 2}, dx, 1e-15);
  }

  // ---- shapes ---------------------------------------------------------------------------------

  @Test
  void reshape() {
    check(
        "Reshape (0 copies, -1 inferred)",
        (b, v) -> b.mul(b.reshape(v.get(0), 0, -1), b.reshape(v.get(0), 0, -1)),
        trainable("a", s(2, 3, 4), u(1, s(2, 3, 4))));
    check(
        "Reshape (-1 in the middle)",
        (b, v) -> b.reshape(v.get(0), 4, -1, 2),
        trainable("a", s(2, 3, 4), u(2, s(2, 3, 4))));
    check(
        "Reshape (symbolic input)",
        (b, v) -> b.reshape(b.tanh(v.get(0)), 0, 2, 2),
        trainable("a", s(3, 4), u(3, s(3, 4))).declaring("n", 4));
  }

  @Test
  void transpose() {
    check(
        "Transpose (perm 2,0,1)",
        (b, v) -> b.transpose(v.get(0), 2, 0, 1),
        trainable("a", s(2, 3, 4), u(1, s(2, 3, 4))));
    check(
        "Transpose (default perm reverses)",
        (b, v) -> b.apply(Transpose.OP, Attributes.none(), v.get(0)),
        trainable("a", s(2, 3, 4), u(2, s(2, 3, 4))));
  }

  @Test
  void unsqueeze() {
    check(
        "Unsqueeze (axes 0,-1)",
        (b, v) -> b.add(b.unsqueeze(v.get(0), 0, -1), v.get(1)),
        trainable("a", s(2, 3), u(1, s(2, 3))),
        trainable("c", s(2, 1, 3, 2), u(2, s(2, 1, 3, 2))));
  }

  @Test
  void squeeze() {
    check(
        "Squeeze (axes 1,-1)",
        (b, v) -> b.squeeze(v.get(0), 1, -1),
        trainable("a", s(2, 1, 3, 1), u(1, s(2, 1, 3, 1))));
    check(
        "Squeeze (no axes: every 1)",
        (b, v) -> b.apply(Squeeze.OP, Attributes.none(), v.get(0)),
        trainable("a", s(1, 3, 1), u(2, s(1, 3, 1))));
  }

  @Test
  void concat() {
    check(
        "Concat (same value twice)",
        (b, v) -> b.concat(1, v.get(0), v.get(1), v.get(0)),
        trainable("a", s(2, 3), u(1, s(2, 3))),
        trainable("c", s(2, 2), u(2, s(2, 2))));
    assertBackwardUses(
        check(
            "Concat (symbolic sizes: run-time split)",
            (b, v) -> b.concat(0, v.get(0), v.get(1), v.get(0)),
            trainable("a", s(2, 3), u(3, s(2, 3))).declaring("n", 3),
            trainable("c", s(1, 3), u(4, s(1, 3))).declaring("m", 3)),
        "Shape");
  }

  @Test
  void split() {
    check(
        "Split (middle part unused -> zeros)",
        (b, v) -> {
          List<Value> parts = b.split(v.get(0), 1, 1, 2, 1);
          return b.mul(parts.get(0), parts.get(2));
        },
        trainable("a", s(2, 4), u(1, s(2, 4))));
    check(
        "Split (negative axis, all parts used)",
        (b, v) -> {
          List<Value> parts = b.split(v.get(0), -1, 2, 2);
          return b.sub(b.exp(parts.get(0)), parts.get(1));
        },
        trainable("a", s(3, 4), u(2, s(3, 4))));
  }

  @Test
  void slice() {
    check(
        "Slice (static, negative start, end past extent)",
        (b, v) -> b.slice(v.get(0), s(1, -4), s(Long.MAX_VALUE, -1), s(0, 1)),
        trainable("a", s(3, 5, 4), u(1, s(3, 5, 4))));
    GradCheck.Report runTimePads =
        check(
            "Slice (symbolic dim: run-time pads)",
            (b, v) -> b.slice(v.get(0), s(1, 2), s(-1, 100), s(0, 1)),
            trainable("a", s(4, 5), u(2, s(4, 5))).declaring("n", 5));
    assertBackwardUses(runTimePads, "Max");
    // The padded gradient has x's shape: no run-time broadcast undoing is needed.
    assertBackwardAvoids(runTimePads, "NonZero");
    assertBackwardUses(
        check(
            "Slice (symbolic dim, end past run-time extent)",
            (b, v) -> b.concat(0, b.slice(v.get(0), s(1), s(10), s(0)), v.get(0)),
            trainable("a", s(3, 2), u(3, s(3, 2))).declaring("n", 2)),
        "Max");
  }

  @Test
  void gather() {
    // An embedding lookup with repeated ids (1 three times, 4 twice through -1): their rows'
    // gradients must add up.
    check(
        "Gather (embedding, duplicate and negative ids)",
        (b, v) -> b.gather(v.get(0), longs(b, s(2, 3), 1, 3, 1, 4, 1, -1), 0),
        trainable("table", s(5, 3), u(1, s(5, 3))));
    check(
        "Gather (axis 1, duplicate ids)",
        (b, v) -> b.gather(v.get(0), longs(b, s(2, 2), 0, 3, 3, -4), 1),
        trainable("a", s(2, 4, 3), u(3, s(2, 4, 3))));
    check(
        "Gather (axis -1, scalar index, symbolic dims)",
        (b, v) -> b.mul(b.gather(v.get(0), longs(b, s(), 1), -1), v.get(1)),
        trainable("a", s(3, 2, 4), u(4, s(3, 2, 4))).declaring("n", 2, 4),
        trainable("c", s(3, 2), u(5, s(3, 2))).declaring("n", 2));
    check(
        "Gather (scalar index)",
        (b, v) -> b.gather(v.get(0), longs(b, s(), 2), 0),
        trainable("table", s(4, 3), u(2, s(4, 3))));
  }

  @Test
  void gatherElements() {
    check(
        "GatherElements (axis -1, duplicates)",
        (b, v) -> b.gatherElements(v.get(0), longs(b, s(3, 2), 0, 0, 3, 1, 2, 2), -1),
        trainable("a", s(3, 4), u(1, s(3, 4))));
    check(
        "GatherElements (axis 0)",
        (b, v) -> b.gatherElements(v.get(0), longs(b, s(2, 4), 2, 0, 1, 2, 0, 0, 2, 1), 0),
        trainable("a", s(3, 4), u(2, s(3, 4))));
  }

  @Test
  void where() {
    check(
        "Where (broadcast condition and sides)",
        (b, v) ->
            b.where(
                b.constant(
                    TensorData.ofBooleans(s(2, 1, 3), true, false, true, false, false, true)),
                v.get(0),
                v.get(1)),
        trainable("a", s(2, 4, 3), u(1, s(2, 4, 3))),
        trainable("c", s(3), u(2, s(3))));
    double[] x = {-1.2, -0.4, 0.3, 0.9, 1.7, -2.0};
    check(
        "Where (leaky relu: condition from the input)",
        (b, v) -> {
          Value a = v.get(0);
          return b.where(b.greater(a, b.scalarLike(a, 0)), a, b.mul(a, b.scalarLike(a, 0.1)));
        },
        trainable("a", s(2, 3), x));
  }

  @Test
  void expand() {
    check(
        "Expand (to a larger rank)",
        (b, v) -> b.expand(v.get(0), b.ints(2, 3, 4)),
        trainable("a", s(3, 1), u(1, s(3, 1))));
    check(
        "Expand (to the shape of another value)",
        (b, v) -> b.mul(b.expand(v.get(0), b.shape(v.get(1))), v.get(1)),
        trainable("a", s(1, 3), u(2, s(1, 3))),
        fixed("like", s(4, 3), u(3, s(4, 3))).declaring("n", 3));
  }

  @Test
  void cast() {
    check(
        "Cast (double -> double)",
        (b, v) ->
            b.apply(Cast.OP, Attributes.of("to", (long) ElementType.DOUBLE.onnxCode()), v.get(0)),
        trainable("a", s(2, 3), u(1, s(2, 3))));
    // The float32 round trip makes the function a staircase at float resolution (~1e-7); with
    // step 1e-2 the rounding moves a difference quotient by < 1e-5 and the function is linear.
    check(
        "Cast (double -> float -> double)",
        ElementType.DOUBLE,
        1e-2,
        1e-4,
        (b, v) -> b.cast(b.cast(v.get(0), ElementType.FLOAT), ElementType.DOUBLE),
        trainable("a", s(2, 3), u(2, s(2, 3))));
  }

  @Test
  void identity() {
    check(
        "Identity",
        (b, v) -> b.mul(b.identity(v.get(0)), v.get(0)),
        trainable("a", s(2, 3), u(1, s(2, 3))));
  }

  @Test
  void abs() {
    double[] x = {-1.2, -0.4, 0.3, 0.9, 1.7, -2.0};
    check("Abs", (b, v) -> b.abs(v.get(0)), trainable("a", s(2, 3), x));
  }

  @Test
  void softplus() {
    // No float64 Softplus kernel in ONNX Runtime 1.29 (CPU): checked in float32.
    check(
        "Softplus",
        ElementType.FLOAT,
        1e-3,
        FLOAT32_TOL,
        (b, v) -> b.softplus(v.get(0)),
        trainable("a", s(2, 3), u(1, s(2, 3))));
  }

  @Test
  void erf() {
    // No float64 Erf kernel in ONNX Runtime 1.29 (CPU): checked in float32.
    check(
        "Erf",
        ElementType.FLOAT,
        1e-3,
        FLOAT32_TOL,
        (b, v) -> b.erf(v.get(0)),
        trainable("a", s(2, 3), u(1, s(2, 3))));
  }

  @Test
  void trilu() {
    check(
        "Trilu (lower, k=0, batched)",
        (b, v) -> b.trilu(v.get(0), false, 0),
        trainable("a", s(2, 3, 4), u(1, s(2, 3, 4))));
    check(
        "Trilu (upper, k=1)",
        (b, v) -> b.trilu(v.get(0), true, 1),
        trainable("a", s(4, 3), u(2, s(4, 3))));
  }

  @Test
  void powWithConstantTensorExponent() {
    // Per-column exponents broadcast over rows; the negative base meets integer exponents only.
    double[] x = {-1.3, 0.8, 1.1, 0.6, -0.9, 1.7};
    check(
        "Pow (broadcast tensor exponent, negative base)",
        (b, v) -> b.pow(v.get(0), b.constant(TensorData.ofDoubles(s(3), 2.0, 3.0, -2.0))),
        trainable("a", s(2, 3), x));
  }

  // ---- coverage ---------------------------------------------------------------------------------

  /** Ops with a VJP rule that this class checks; a new rule fails the test below until added. */
  static final Set<String> CHECKED_OPS =
      Set.of(
          "Abs",
          "Add",
          "Cast",
          "Concat",
          "Div",
          "Erf",
          "Exp",
          "Expand",
          "Gather",
          "GatherElements",
          "Gemm",
          "Identity",
          "Log",
          "LogSoftmax",
          "MatMul",
          "Mul",
          "Neg",
          "Pow",
          "Reciprocal",
          "ReduceMax",
          "ReduceMean",
          "ReduceSum",
          "Relu",
          "Reshape",
          "Sigmoid",
          "Slice",
          "Softmax",
          "Softplus",
          "Split",
          "Sqrt",
          "Squeeze",
          "Sub",
          "Tanh",
          "Transpose",
          "Trilu",
          "Unsqueeze",
          "Where");

  @Test
  void everyOpWithAVjpRuleIsCheckedHere() throws Exception {
    // The main classes directory (the test classes share the package name).
    Path dir =
        Path.of(Op.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .resolve(Op.class.getPackageName().replace('.', '/'));
    Set<String> differentiable = new TreeSet<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
        String simple = f.getFileName().toString().replace(".class", "");
        Class<?> c = Class.forName(Op.class.getPackageName() + "." + simple);
        try {
          if (c.getField("OP").get(null) instanceof Op op && op.differentiable()) {
            differentiable.add(simple);
          }
        } catch (NoSuchFieldException notAnOp) {
          // helpers such as Infer
        }
      }
    }
    assertTrue(differentiable.size() > 30, "found " + differentiable);
    assertEquals(new TreeSet<>(CHECKED_OPS), differentiable, "add a gradient check for new rules");
  }

  // ---- broadcasting undone at run time ----------------------------------------------------------

  @Test
  void broadcastUndoneAtRunTime() {
    // Two different symbols broadcast to an unknown dim: whether 'm' was broadcast is decided at
    // run time (Broadcasts.sumTo's run-time path). Checked with m = 1 and with m = n.
    BiFunction<GraphBuilder, List<Value>, Value> add = (b, v) -> b.add(v.get(0), v.get(1));
    assertBackwardUses(
        check(
            "Add (symbolic n vs m, m=1 at run time)",
            add,
            trainable("a", s(2, 4, 3), u(1, s(2, 4, 3))).declaring(2, "n", 3),
            trainable("c", s(1, 3), u(2, s(1, 3))).declaring("m", 3)),
        "NonZero");
    assertBackwardUses(
        check(
            "Add (symbolic n vs m, m=n at run time)",
            add,
            trainable("a", s(2, 4, 3), u(3, s(2, 4, 3))).declaring(2, "n", 3),
            trainable("c", s(4, 3), u(4, s(4, 3))).declaring("m", 3)),
        "NonZero");
    assertBackwardUses(
        check(
            "Mul (symbolic, both sides broadcast)",
            (b, v) -> b.mul(v.get(0), v.get(1)),
            trainable("a", s(4, 1), u(5, s(4, 1))).declaring("n", "k"),
            trainable("c", s(1, 3), u(6, s(1, 3))).declaring("m", "j")),
        "NonZero");
  }
}
