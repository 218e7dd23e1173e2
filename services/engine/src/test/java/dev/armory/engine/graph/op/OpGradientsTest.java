package dev.armory.engine.graph.op;

import static dev.armory.engine.autodiff.GradCheck.Input.trainable;
import static dev.armory.engine.autodiff.GradCheck.uniform;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.engine.autodiff.GradCheck;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Value;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * One gradient check per VJP rule, in float64 on ONNX Runtime against central differences (relative
 * error ≤ 1e-6). Inputs include broadcasting and repeated use of one value.
 */
class OpGradientsTest {
  static final double TOL = 1e-6;

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

  static void check(
      String what, BiFunction<GraphBuilder, List<Value>, Value> f, GradCheck.Input... in) {
    GradCheck.Report r = GradCheck.check(f, in);
    System.out.printf("%-28s relative error %.2e%n", what, r.worst());
    assertTrue(r.worst() <= TOL, what + ": " + r.relativeError());
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
}
