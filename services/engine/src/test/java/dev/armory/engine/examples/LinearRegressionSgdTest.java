package dev.armory.engine.examples;

import static dev.armory.engine.examples.LinearRegressionGraph.BIAS;
import static dev.armory.engine.examples.LinearRegressionGraph.GRAD_BIAS;
import static dev.armory.engine.examples.LinearRegressionGraph.GRAD_WEIGHTS;
import static dev.armory.engine.examples.LinearRegressionGraph.LOSS;
import static dev.armory.engine.examples.LinearRegressionGraph.TARGETS;
import static dev.armory.engine.examples.LinearRegressionGraph.WEIGHTS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.armory.engine.graph.Graph;
import dev.armory.engine.graph.OnnxWriter;
import dev.armory.engine.runtime.GraphSession;
import dev.armory.engine.runtime.SessionConfig;
import dev.armory.engine.runtime.Tensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole loop on the smallest problem: a training graph written to .onnx + .data, loaded by path
 * in a fresh session, and plain SGD in Java over the gradients it returns, until the loss is within
 * 1e-6 of the least-squares optimum solved in closed form.
 */
class LinearRegressionSgdTest {
  static final int N = 256;
  static final int D = 4;

  @Test
  void sgdOverTheExportedGraphReachesTheLeastSquaresOptimum(@TempDir Path dir) throws Exception {
    double[] x = LinearRegressionGraph.sampleDesign(7, N, D);
    double[] y = targets(x);
    Graph graph = LinearRegressionGraph.build(N, D, x, true);
    Path onnx = dir.resolve("linear_regression.onnx");
    OnnxWriter.write(graph, onnx);
    Path data = dir.resolve("linear_regression.onnx.data");
    assertTrue(Files.size(data) >= N * D * 8L, "X went to external data: " + Files.size(data));
    assertTrue(Files.size(onnx) < N * D * 8L, "the .onnx holds no large tensor");

    double[] optimum = leastSquares(x, y); // [w_0 .. w_{D-1}, b]
    double optimalLoss = meanSquaredError(x, y, optimum);

    double[] theta = new double[D + 1];
    double learningRate = 0.5;
    double loss = Double.NaN;
    int step = 0;
    try (GraphSession session = GraphSession.load(onnx, SessionConfig.defaults().withThreads(1));
        OnnxTensor yt = Tensors.doubles(y, N)) {
      for (; step < 500; step++) {
        double[] w = Arrays.copyOf(theta, D);
        try (OnnxTensor wt = Tensors.doubles(w, D, 1);
            OnnxTensor bt = Tensors.doubles(new double[] {theta[D]}, 1);
            OrtSession.Result r = session.run(Map.of(TARGETS, yt, WEIGHTS, wt, BIAS, bt))) {
          loss = Tensors.toDoubles(r.get(LOSS).get())[0];
          if (loss - optimalLoss <= 1e-6) {
            break;
          }
          double[] gw = Tensors.toDoubles(r.get(GRAD_WEIGHTS).get());
          double gb = Tensors.toDoubles(r.get(GRAD_BIAS).get())[0];
          for (int j = 0; j < D; j++) {
            theta[j] -= learningRate * gw[j];
          }
          theta[D] -= learningRate * gb;
        }
      }
    }
    System.out.printf(
        "SGD: loss %.9f after %d steps; least-squares optimum %.9f (gap %.2e)%n",
        loss, step, optimalLoss, loss - optimalLoss);
    assertTrue(loss - optimalLoss <= 1e-6, "gap " + (loss - optimalLoss) + " after " + step);
    assertTrue(loss >= optimalLoss - 1e-12, "SGD cannot beat the optimum");
    // A loss gap of 1e-6 with Hessian eigenvalues near 2/3 bounds |θ − θ*| by about 2e-3.
    assertArrayEquals(optimum, theta, 5e-3);
  }

  /** y = X·(1.5, -2, 0.5, 3) + 0.7 plus uniform noise in ±0.1 (so the optimum loss is not 0). */
  static double[] targets(double[] x) {
    double[] w = {1.5, -2, 0.5, 3};
    SplittableRandom r = new SplittableRandom(11);
    double[] y = new double[N];
    for (int i = 0; i < N; i++) {
      double s = 0.7 + 0.2 * (r.nextDouble() - 0.5);
      for (int j = 0; j < D; j++) {
        s += x[i * D + j] * w[j];
      }
      y[i] = s;
    }
    return y;
  }

  /** Solves the normal equations AᵀA θ = Aᵀy for A = [X, 1] by Gaussian elimination. */
  static double[] leastSquares(double[] x, double[] y) {
    int p = D + 1;
    double[][] m = new double[p][p + 1];
    for (int i = 0; i < N; i++) {
      for (int a = 0; a < p; a++) {
        double xa = a < D ? x[i * D + a] : 1;
        for (int c = 0; c < p; c++) {
          m[a][c] += xa * (c < D ? x[i * D + c] : 1);
        }
        m[a][p] += xa * y[i];
      }
    }
    for (int col = 0; col < p; col++) {
      int pivot = col;
      for (int r = col + 1; r < p; r++) {
        if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) {
          pivot = r;
        }
      }
      double[] t = m[col];
      m[col] = m[pivot];
      m[pivot] = t;
      for (int r = 0; r < p; r++) {
        if (r != col) {
          double f = m[r][col] / m[col][col];
          for (int c = col; c <= p; c++) {
            m[r][c] -= f * m[col][c];
          }
        }
      }
    }
    double[] theta = new double[p];
    for (int a = 0; a < p; a++) {
      theta[a] = m[a][p] / m[a][a];
    }
    return theta;
  }

  static double meanSquaredError(double[] x, double[] y, double[] theta) {
    double s = 0;
    for (int i = 0; i < N; i++) {
      double pred = theta[D];
      for (int j = 0; j < D; j++) {
        pred += x[i * D + j] * theta[j];
      }
      s += (pred - y[i]) * (pred - y[i]);
    }
    return s / N;
  }
}
