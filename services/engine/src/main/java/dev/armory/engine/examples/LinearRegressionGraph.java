package dev.armory.engine.examples;

import dev.armory.engine.autodiff.Autodiff;
import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.Graph;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.TensorData;
import dev.armory.engine.graph.Value;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A least-squares training step as one float64 graph: the design matrix X [n, d] is baked in as an
 * initializer (external data once over 4 KiB), y [n], w [d, 1] and b [1] are inputs, and the
 * outputs are the mean squared error of X·w + b against y and, when asked, its gradients.
 */
public final class LinearRegressionGraph {
  public static final String TARGETS = "y";
  public static final String WEIGHTS = "w";
  public static final String BIAS = "b";
  public static final String LOSS = "loss";
  public static final String GRAD_WEIGHTS = "grad_w";
  public static final String GRAD_BIAS = "grad_b";

  private LinearRegressionGraph() {}

  /** The graph for design matrix {@code x} ([n, d], row-major). */
  public static Graph build(int n, int d, double[] x, boolean withGradients) {
    if (x.length != (long) n * d) {
      throw new IllegalArgumentException(
          "design matrix holds " + x.length + " values, expected n·d = " + n + "·" + d);
    }
    GraphBuilder b = GraphBuilder.create("linear_regression");
    Value design = b.initializer("X", TensorData.ofDoubles(new long[] {n, d}, x)); // [n, d]
    Value y = b.input(TARGETS, ElementType.DOUBLE, n); // [n]
    Value w = b.input(WEIGHTS, ElementType.DOUBLE, d, 1); // [d, 1]
    Value bias = b.input(BIAS, ElementType.DOUBLE, 1); // [1]
    Value loss;
    try (var s = b.scope("model")) {
      Value prediction = b.add(b.squeeze(b.matmul(design, w), 1), bias); // [n]
      Value residual = b.sub(prediction, y);
      loss = b.output(b.reduceMean(b.mul(residual, residual), false), LOSS);
    }
    if (withGradients) {
      Map<Value, Value> g = Autodiff.gradients(b, loss, List.of(w, bias));
      b.output(g.get(w), GRAD_WEIGHTS);
      b.output(g.get(bias), GRAD_BIAS);
    }
    return b.graph();
  }

  /** A deterministic design matrix of {@code n} rows and {@code d} columns in [-1, 1). */
  public static double[] sampleDesign(long seed, int n, int d) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] x = new double[n * d];
    for (int i = 0; i < x.length; i++) {
      x[i] = 2 * r.nextDouble() - 1;
    }
    return x;
  }
}
