package dev.armory.engine.graph.op;

import static dev.armory.engine.autodiff.GradCheck.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.TensorData;
import dev.armory.engine.graph.Value;
import dev.armory.engine.runtime.GraphEval;
import dev.armory.engine.runtime.GraphEval.Feed;
import org.junit.jupiter.api.Test;

/**
 * Forward passes of the non-trivial ops on ONNX Runtime against plain-Java references, in float64,
 * so shape inference, attribute defaults and axis conventions are checked against what ONNX Runtime
 * actually computes.
 */
class OpForwardTest {
  static final ElementType F64 = ElementType.DOUBLE;

  static double[] run(GraphBuilder b, Value out, Feed... feeds) {
    b.output(out, "out");
    return GraphEval.run(b.graph(), feeds).get("out");
  }

  @Test
  void softmaxAlongAMiddleAxis() {
    double[] x = uniform(1, 24, -3, 3); // [2, 3, 4], softmax over axis 1
    GraphBuilder b = GraphBuilder.create("softmax");
    Value in = b.input("x", F64, 2, 3, 4);
    double[] got = run(b, b.softmax(in, 1), Feed.of("x", new long[] {2, 3, 4}, x));
    double[] want = new double[24];
    for (int i = 0; i < 2; i++) {
      for (int k = 0; k < 4; k++) {
        double sum = 0;
        for (int j = 0; j < 3; j++) {
          sum += Math.exp(x[i * 12 + j * 4 + k]);
        }
        for (int j = 0; j < 3; j++) {
          want[i * 12 + j * 4 + k] = Math.exp(x[i * 12 + j * 4 + k]) / sum;
        }
      }
    }
    assertArrayEquals(want, got, 1e-12);
  }

  @Test
  void logSoftmaxIsStableForLargeLogits() {
    double[] x = {1000, 1001, 1002, -5, 0, 5};
    GraphBuilder b = GraphBuilder.create("log_softmax");
    Value in = b.input("x", F64, 2, 3);
    double[] got = run(b, b.logSoftmax(in, -1), Feed.of("x", new long[] {2, 3}, x));
    double[] want = new double[6];
    for (int r = 0; r < 2; r++) {
      double max = Math.max(x[r * 3], Math.max(x[r * 3 + 1], x[r * 3 + 2]));
      double sum = 0;
      for (int c = 0; c < 3; c++) {
        sum += Math.exp(x[r * 3 + c] - max);
      }
      for (int c = 0; c < 3; c++) {
        want[r * 3 + c] = x[r * 3 + c] - max - Math.log(sum);
      }
    }
    assertArrayEquals(want, got, 1e-12);
  }

  @Test
  void matmulBroadcastsBatchDims() {
    // [2, 1, 3, 4] x [3, 4, 2] -> [2, 3, 3, 2]
    double[] a = uniform(2, 24, -1, 1);
    double[] w = uniform(3, 24, -1, 1);
    GraphBuilder b = GraphBuilder.create("matmul");
    Value av = b.input("a", F64, 2, 1, 3, 4);
    Value wv = b.input("w", F64, 3, 4, 2);
    Value y = b.matmul(av, wv);
    double[] got =
        run(b, y, Feed.of("a", new long[] {2, 1, 3, 4}, a), Feed.of("w", new long[] {3, 4, 2}, w));
    double[] want = new double[36];
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 3; j++) {
        for (int m = 0; m < 3; m++) {
          for (int n = 0; n < 2; n++) {
            double s = 0;
            for (int k = 0; k < 4; k++) {
              s += a[i * 12 + m * 4 + k] * w[j * 8 + k * 2 + n];
            }
            want[((i * 3 + j) * 3 + m) * 2 + n] = s;
          }
        }
      }
    }
    assertArrayEquals(want, got, 1e-12);
  }

  @Test
  void gatherLooksUpRowsIncludingRepeatedAndNegativeIds() {
    double[] table = uniform(4, 15, -1, 1); // [5, 3]
    long[] ids = {1, 3, 1, 4, 1, -1}; // [2, 3]
    GraphBuilder b = GraphBuilder.create("gather");
    Value t = b.input("table", F64, 5, 3);
    Value y = b.gather(t, b.constant(TensorData.ofLongs(new long[] {2, 3}, ids)), 0);
    double[] got = run(b, y, Feed.of("table", new long[] {5, 3}, table));
    double[] want = new double[18];
    for (int i = 0; i < ids.length; i++) {
      int row = (int) (ids[i] < 0 ? ids[i] + 5 : ids[i]);
      System.arraycopy(table, row * 3, want, i * 3, 3);
    }
    assertArrayEquals(want, got, 0);
  }

  @Test
  void sliceClampsStartsAndEndsOnStaticAndSymbolicInputs() {
    double[] x = uniform(5, 60, -1, 1); // [3, 5, 4]
    double[] want = new double[2 * 3 * 4]; // x[1:, -4:-1, :]
    for (int i = 1; i < 3; i++) {
      for (int j = 1; j < 4; j++) {
        System.arraycopy(x, i * 20 + j * 4, want, ((i - 1) * 3 + (j - 1)) * 4, 4);
      }
    }
    long[] starts = {1, -4};
    long[] ends = {Long.MAX_VALUE, -1};
    long[] axes = {0, 1};
    GraphBuilder st = GraphBuilder.create("slice_static");
    Value in = st.input("x", F64, 3, 5, 4);
    assertArrayEquals(
        want, run(st, st.slice(in, starts, ends, axes), Feed.of("x", new long[] {3, 5, 4}, x)), 0);
    GraphBuilder sym = GraphBuilder.create("slice_symbolic");
    Value ins = sym.input("x", F64, "n", "m", 4);
    assertArrayEquals(
        want,
        run(sym, sym.slice(ins, starts, ends, axes), Feed.of("x", new long[] {3, 5, 4}, x)),
        0);
  }

  @Test
  void reduceMaxOverTwoAxes() {
    double[] x = uniform(6, 24, -2, 2); // [2, 3, 4], max over axes 0 and 2
    GraphBuilder b = GraphBuilder.create("reduce_max");
    Value in = b.input("x", F64, 2, 3, 4);
    double[] got = run(b, b.reduceMax(in, false, 0, 2), Feed.of("x", new long[] {2, 3, 4}, x));
    double[] want = new double[3];
    for (int j = 0; j < 3; j++) {
      double m = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < 2; i++) {
        for (int k = 0; k < 4; k++) {
          m = Math.max(m, x[i * 12 + j * 4 + k]);
        }
      }
      want[j] = m;
    }
    assertArrayEquals(want, got, 0);
  }
}
