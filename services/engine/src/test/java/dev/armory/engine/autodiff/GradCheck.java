package dev.armory.engine.autodiff;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.Graph;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Shape;
import dev.armory.engine.graph.TensorData;
import dev.armory.engine.graph.Value;
import dev.armory.engine.runtime.GraphSession;
import dev.armory.engine.runtime.SessionConfig;
import dev.armory.engine.runtime.Tensors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiFunction;

/**
 * Checks autodiff gradients against central finite differences on real ONNX Runtime sessions. The
 * function's output is contracted with fixed random weights into a scalar loss so every output
 * element matters.
 */
public final class GradCheck {
  /** One graph input: name, shape, values, and whether gradients are taken with respect to it. */
  public record Input(String name, long[] shape, double[] values, boolean trainable) {
    public static Input trainable(String name, long[] shape, double[] values) {
      return new Input(name, shape, values, true);
    }

    public static Input fixed(String name, long[] shape, double[] values) {
      return new Input(name, shape, values, false);
    }
  }

  /** Largest normwise relative error per trainable input. */
  public record Report(Map<String, Double> relativeError, Graph graph) {
    public double worst() {
      return relativeError.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }
  }

  private GradCheck() {}

  /** Deterministic values in [lo, hi). */
  public static double[] uniform(long seed, int n, double lo, double hi) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = lo + (hi - lo) * r.nextDouble();
    }
    return v;
  }

  /** Runs the check in float64 with step 1e-6. */
  public static Report check(BiFunction<GraphBuilder, List<Value>, Value> f, Input... inputs) {
    return check(ElementType.DOUBLE, 1e-6, f, inputs);
  }

  /** Runs the check with the given element type and finite-difference step. */
  public static Report check(
      ElementType type, double h, BiFunction<GraphBuilder, List<Value>, Value> f, Input... inputs) {
    GraphBuilder b = GraphBuilder.create("gradcheck");
    List<Value> values = new ArrayList<>();
    List<Value> wrt = new ArrayList<>();
    for (Input in : inputs) {
      Value v = b.input(in.name(), type, Shape.of(in.shape()));
      values.add(v);
      if (in.trainable()) {
        wrt.add(v);
      }
    }
    Value out = f.apply(b, values);
    if (!out.shape().isStatic()) {
      throw new IllegalArgumentException("gradcheck needs a static output shape, got " + out);
    }
    int n = Math.toIntExact(out.shape().elementCount());
    double[] w = uniform(12345, n, -1, 1);
    Value weights =
        b.initializer(
            "contraction",
            type == ElementType.DOUBLE
                ? TensorData.ofDoubles(out.shape().sizes(), w)
                : TensorData.ofFloats(out.shape().sizes(), toFloats(w)));
    Value loss = b.reduceSum(b.mul(out, weights), false);
    b.output(loss, "loss");
    Map<Value, Value> grads = Autodiff.gradients(b, loss, wrt);
    Map<String, String> gradNames = new LinkedHashMap<>();
    for (Value v : wrt) {
      gradNames.put(v.name(), b.output(grads.get(v), "grad_" + v.name()).name());
    }
    Map<String, Double> errors = new LinkedHashMap<>();
    try (GraphSession s = GraphSession.create(b.graph(), SessionConfig.defaults().withThreads(1))) {
      Map<String, double[]> point = new HashMap<>();
      for (Input in : inputs) {
        point.put(in.name(), in.values().clone());
      }
      Map<String, double[]> analytic = run(s, type, inputs, point, gradNames.values());
      for (Input in : inputs) {
        if (!in.trainable()) {
          continue;
        }
        double[] x = point.get(in.name());
        double[] numeric = new double[x.length];
        for (int i = 0; i < x.length; i++) {
          double orig = x[i];
          x[i] = orig + h;
          double plus = run(s, type, inputs, point, List.of("loss")).get("loss")[0];
          x[i] = orig - h;
          double minus = run(s, type, inputs, point, List.of("loss")).get("loss")[0];
          x[i] = orig;
          numeric[i] = (plus - minus) / (2 * h);
        }
        double[] a = analytic.get(gradNames.get(in.name()));
        double maxDiff = 0;
        double scale = 0;
        for (int i = 0; i < x.length; i++) {
          maxDiff = Math.max(maxDiff, Math.abs(a[i] - numeric[i]));
          scale = Math.max(scale, Math.abs(numeric[i]));
        }
        errors.put(in.name(), maxDiff / Math.max(scale, 1e-3));
      }
    }
    return new Report(errors, b.graph());
  }

  private static Map<String, double[]> run(
      GraphSession s,
      ElementType type,
      Input[] inputs,
      Map<String, double[]> point,
      java.util.Collection<String> outputs) {
    Map<String, OnnxTensor> feeds = new HashMap<>();
    try {
      for (Input in : inputs) {
        double[] v = point.get(in.name());
        feeds.put(
            in.name(),
            type == ElementType.DOUBLE
                ? Tensors.doubles(v, in.shape())
                : Tensors.floats(toFloats(v), in.shape()));
      }
      Map<String, double[]> out = new HashMap<>();
      try (OrtSession.Result r = s.run(feeds, new java.util.HashSet<>(outputs))) {
        for (String name : outputs) {
          out.put(
              name,
              type == ElementType.DOUBLE
                  ? Tensors.toDoubles(r.get(name).get())
                  : toDoubles(Tensors.toFloats(r.get(name).get())));
        }
      }
      return out;
    } finally {
      feeds.values().forEach(OnnxTensor::close);
    }
  }

  static float[] toFloats(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }

  static double[] toDoubles(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }
}
