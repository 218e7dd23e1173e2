package dev.armory.engine.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtSession;
import dev.armory.engine.graph.Graph;
import java.util.LinkedHashMap;
import java.util.Map;

/** Test helper: runs a graph once on real ONNX Runtime and returns every output as doubles. */
public final class GraphEval {
  /** One input: name, shape, and double values (fed as float64 or float32) or int64 values. */
  public record Feed(String name, long[] shape, double[] doubles, long[] longs, boolean float32) {
    public static Feed of(String name, long[] shape, double... values) {
      return new Feed(name, shape, values, null, false);
    }

    public static Feed longs(String name, long[] shape, long... values) {
      return new Feed(name, shape, null, values, false);
    }

    /** The same values fed as float32. */
    public Feed asFloat() {
      return new Feed(name, shape, doubles, longs, true);
    }

    OnnxTensor tensor() {
      if (longs != null) {
        return Tensors.longs(longs, shape);
      }
      if (float32) {
        float[] f = new float[doubles.length];
        for (int i = 0; i < f.length; i++) {
          f[i] = (float) doubles[i];
        }
        return Tensors.floats(f, shape);
      }
      return Tensors.doubles(doubles, shape);
    }
  }

  /** Outputs by name, with their run-time shapes. */
  public record Result(Map<String, double[]> values, Map<String, long[]> shapes) {
    public double[] get(String name) {
      double[] v = values.get(name);
      if (v == null) {
        throw new IllegalArgumentException("no output '" + name + "' in " + values.keySet());
      }
      return v;
    }

    public double scalar(String name) {
      return get(name)[0];
    }
  }

  private GraphEval() {}

  /** Runs {@code graph} in a fresh session and reads every output. */
  public static Result run(Graph graph, Feed... feeds) {
    try (GraphSession s = GraphSession.create(graph, SessionConfig.defaults().withThreads(1))) {
      return run(s, feeds);
    }
  }

  /** Runs an open session and reads every output. */
  public static Result run(GraphSession s, Feed... feeds) {
    Map<String, OnnxTensor> in = new LinkedHashMap<>();
    try {
      for (Feed f : feeds) {
        in.put(f.name(), f.tensor());
      }
      Map<String, double[]> values = new LinkedHashMap<>();
      Map<String, long[]> shapes = new LinkedHashMap<>();
      try (OrtSession.Result r = s.run(in)) {
        for (Map.Entry<String, OnnxValue> e : r) {
          OnnxTensor t = (OnnxTensor) e.getValue();
          shapes.put(e.getKey(), t.getInfo().getShape());
          values.put(e.getKey(), asDoubles(t));
        }
      }
      return new Result(values, shapes);
    } finally {
      in.values().forEach(OnnxTensor::close);
    }
  }

  private static double[] asDoubles(OnnxTensor t) {
    switch (t.getInfo().type) {
      case DOUBLE:
        return Tensors.toDoubles(t);
      case FLOAT:
        {
          float[] f = Tensors.toFloats(t);
          double[] d = new double[f.length];
          for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
          }
          return d;
        }
      case INT64:
        {
          long[] l = Tensors.toLongs(t);
          double[] d = new double[l.length];
          for (int i = 0; i < l.length; i++) {
            d[i] = l[i];
          }
          return d;
        }
      default:
        throw new IllegalArgumentException("GraphEval reads double, float and int64, got " + t);
    }
  }
}
