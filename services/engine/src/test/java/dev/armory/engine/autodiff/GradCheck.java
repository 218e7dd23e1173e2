package dev.armory.engine.autodiff;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.armory.engine.graph.Dim;
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
import java.util.Arrays;
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
  /**
   * One graph input: name, run-time shape, values, whether gradients are taken with respect to it,
   * and the shape the graph declares (null: the run-time shape; symbolic dims exercise the paths
   * that resolve shapes at run time).
   */
  public record Input(
      String name, long[] shape, double[] values, boolean trainable, Shape declared) {
    public Input(String name, long[] shape, double[] values, boolean trainable) {
      this(name, shape, values, trainable, null);
    }

    public static Input trainable(String name, long[] shape, double[] values) {
      return new Input(name, shape, values, true);
    }

    public static Input fixed(String name, long[] shape, double[] values) {
      return new Input(name, shape, values, false);
    }

    /**
     * The same input declared with {@code dims} in the graph: {@code Long}/{@code Integer} sizes or
     * {@code String} symbols (for example {@code declaring("n", 3)}).
     */
    public Input declaring(Object... dims) {
      if (dims.length != shape.length) {
        throw new IllegalArgumentException(
            name
                + ": declared rank "
                + dims.length
                + " differs from run-time rank "
                + shape.length);
      }
      Dim[] d = new Dim[dims.length];
      for (int i = 0; i < dims.length; i++) {
        d[i] = dims[i] instanceof String s ? Dim.symbol(s) : Dim.of(((Number) dims[i]).longValue());
      }
      return new Input(name, shape, values, trainable, Shape.of(d));
    }

    Shape graphShape() {
      return declared != null ? declared : Shape.of(shape);
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
      Value v = b.input(in.name(), type, in.graphShape());
      values.add(v);
      if (in.trainable()) {
        wrt.add(v);
      }
    }
    Value out = f.apply(b, values);
    Value weights;
    Input contraction = null;
    if (out.shape().isStatic()) {
      double[] w = uniform(12345, Math.toIntExact(out.shape().elementCount()), -1, 1);
      weights =
          b.initializer(
              "contraction",
              type == ElementType.DOUBLE
                  ? TensorData.ofDoubles(out.shape().sizes(), w)
                  : TensorData.ofFloats(out.shape().sizes(), toFloats(w)));
    } else {
      // The output's size is known only at run time: measure it with a forward-only graph, then
      // feed the weights as an input declared with the output's symbolic shape.
      long[] outShape = runtimeShape(type, f, inputs);
      int n = 1;
      for (long d : outShape) {
        n = Math.multiplyExact(n, (int) d);
      }
      contraction =
          new Input("contraction", outShape, uniform(12345, n, -1, 1), false, out.shape());
      weights = b.input(contraction.name(), type, out.shape());
    }
    Value loss = b.reduceSum(b.mul(out, weights), false);
    b.output(loss, "loss");
    Map<Value, Value> grads = Autodiff.gradients(b, loss, wrt);
    Map<String, String> gradNames = new LinkedHashMap<>();
    for (Value v : wrt) {
      gradNames.put(v.name(), b.output(grads.get(v), "grad_" + v.name()).name());
    }
    if (contraction != null) {
      inputs = Arrays.copyOf(inputs, inputs.length + 1);
      inputs[inputs.length - 1] = contraction;
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

  /** The run-time shape of {@code f}'s output at the inputs' values. */
  private static long[] runtimeShape(
      ElementType type, BiFunction<GraphBuilder, List<Value>, Value> f, Input[] inputs) {
    GraphBuilder b = GraphBuilder.create("gradcheck_forward");
    List<Value> values = new ArrayList<>();
    for (Input in : inputs) {
      values.add(b.input(in.name(), type, in.graphShape()));
    }
    b.output(f.apply(b, values), "out");
    Map<String, OnnxTensor> feeds = new HashMap<>();
    try (GraphSession s = GraphSession.create(b.graph(), SessionConfig.defaults().withThreads(1))) {
      for (Input in : inputs) {
        feeds.put(in.name(), feed(type, in.values(), in.shape()));
      }
      try (OrtSession.Result r = s.run(feeds)) {
        return Tensors.shape(r.get("out").get());
      }
    } finally {
      feeds.values().forEach(OnnxTensor::close);
    }
  }

  private static OnnxTensor feed(ElementType type, double[] v, long[] shape) {
    return type == ElementType.DOUBLE
        ? Tensors.doubles(v, shape)
        : Tensors.floats(toFloats(v), shape);
  }

  /** An int64 graph input held fixed during a check (token ids, masks, positions, labels). */
  public record IndexInput(String name, long[] shape, long[] values) {}

  /**
   * The result of {@link #checkGraph}: the analytic and numeric gradients at the checked
   * coordinates, and their normwise relative error max|a − n| / max(max|n|, 1e-3).
   */
  public record GraphReport(int[] coordinates, double[] analytic, double[] numeric, double error) {}

  /**
   * Checks a prebuilt graph: its output {@code gradientOutput} (d loss / d wrt) against central
   * differences of its scalar output {@code lossOutput}, perturbing {@code wrt} at {@code
   * coordinates} (all of them when null) by ±h.
   */
  public static GraphReport checkGraph(
      Graph graph,
      ElementType type,
      double h,
      String lossOutput,
      String gradientOutput,
      Input wrt,
      List<IndexInput> fixed,
      int[] coordinates) {
    Input[] inputs = {wrt};
    int[] coords = coordinates;
    if (coords == null) {
      coords = new int[wrt.values().length];
      for (int i = 0; i < coords.length; i++) {
        coords[i] = i;
      }
    }
    Map<String, OnnxTensor> indices = new HashMap<>();
    try (GraphSession s = GraphSession.create(graph, SessionConfig.defaults().withThreads(1))) {
      for (IndexInput in : fixed) {
        indices.put(in.name(), Tensors.longs(in.values(), in.shape()));
      }
      Map<String, double[]> point = new HashMap<>();
      point.put(wrt.name(), wrt.values().clone());
      double[] all =
          run(s, type, inputs, point, indices, List.of(gradientOutput)).get(gradientOutput);
      double[] x = point.get(wrt.name());
      double[] analytic = new double[coords.length];
      double[] numeric = new double[coords.length];
      double maxDiff = 0;
      double scale = 0;
      for (int c = 0; c < coords.length; c++) {
        int i = coords[c];
        double orig = x[i];
        x[i] = orig + h;
        double plus = run(s, type, inputs, point, indices, List.of(lossOutput)).get(lossOutput)[0];
        x[i] = orig - h;
        double minus = run(s, type, inputs, point, indices, List.of(lossOutput)).get(lossOutput)[0];
        x[i] = orig;
        analytic[c] = all[i];
        numeric[c] = (plus - minus) / (2 * h);
        maxDiff = Math.max(maxDiff, Math.abs(analytic[c] - numeric[c]));
        scale = Math.max(scale, Math.abs(numeric[c]));
      }
      return new GraphReport(coords, analytic, numeric, maxDiff / Math.max(scale, 1e-3));
    } finally {
      indices.values().forEach(OnnxTensor::close);
    }
  }

  private static Map<String, double[]> run(
      GraphSession s,
      ElementType type,
      Input[] inputs,
      Map<String, double[]> point,
      java.util.Collection<String> outputs) {
    return run(s, type, inputs, point, Map.of(), outputs);
  }

  private static Map<String, double[]> run(
      GraphSession s,
      ElementType type,
      Input[] inputs,
      Map<String, double[]> point,
      Map<String, OnnxTensor> fixed,
      java.util.Collection<String> outputs) {
    Map<String, OnnxTensor> feeds = new HashMap<>();
    try {
      for (Input in : inputs) {
        feeds.put(in.name(), feed(type, point.get(in.name()), in.shape()));
      }
      Map<String, OnnxTensor> all = new HashMap<>(fixed);
      all.putAll(feeds);
      Map<String, double[]> out = new HashMap<>();
      try (OrtSession.Result r = s.run(all, new java.util.HashSet<>(outputs))) {
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
