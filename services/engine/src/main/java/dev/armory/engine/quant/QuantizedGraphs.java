package dev.armory.engine.quant;

import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.Graph;
import dev.armory.engine.graph.Node;
import dev.armory.engine.graph.TensorData;
import dev.armory.engine.graph.Value;
import dev.armory.engine.runtime.GraphSession;
import dev.armory.engine.runtime.SessionConfig;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a graph holds in NF4 and how to run it. {@link Nf4Linear#attach} records each weight's
 * initializers in the graph metadata ({@code armory.nf4/<codes name>}), which is how the resident
 * bytes are measured and how sessions know to keep ConstantFolding off: with it on, ONNX Runtime
 * precomputes the dequantisation path of the backward pass into float32 initializers [N, K] and the
 * 4-bit saving is gone.
 */
public final class QuantizedGraphs {
  /** ONNX Runtime's name of the optimiser that must stay off for NF4 graphs. */
  public static final String CONSTANT_FOLDING = "ConstantFolding";

  static final String METADATA_PREFIX = "armory.nf4/";
  private static final String SEPARATOR = "|";

  /**
   * Bytes of NF4 weight data a graph keeps resident.
   *
   * @param bytes sum of the sizes of the initializers holding quantised weights (codes, absmax or
   *     its 8-bit parts, and the shared 16-value code table)
   * @param parameters number of quantised weights (Σ N·K)
   */
  public record ResidentBytes(long bytes, long parameters) {
    public double bytesPerParameter() {
      return parameters == 0 ? 0 : (double) bytes / parameters;
    }
  }

  private QuantizedGraphs() {}

  /** {@code base} with ConstantFolding disabled, for sessions over graphs holding NF4 weights. */
  public static SessionConfig sessionConfig(SessionConfig base) {
    return base.disabling(CONSTANT_FOLDING);
  }

  /**
   * {@code base} with ConstantFolding disabled when {@code graph} holds NF4 weights, unchanged
   * otherwise (dense graphs keep folding, e.g. of transposed constant weights).
   */
  public static SessionConfig sessionConfig(Graph graph, SessionConfig base) {
    return holdsNf4(graph) ? sessionConfig(base) : base;
  }

  /**
   * A session over {@code graph} with the settings {@link #sessionConfig(Graph, SessionConfig)}.
   */
  public static GraphSession createSession(Graph graph, SessionConfig base) {
    return GraphSession.create(graph, sessionConfig(graph, base));
  }

  /** True when the graph holds NF4 weights (attached by Nf4Linear, or any MatMulBnb4 node). */
  public static boolean holdsNf4(Graph graph) {
    if (graph.metadata().keySet().stream().anyMatch(k -> k.startsWith(METADATA_PREFIX))) {
      return true;
    }
    for (Node n : graph.nodes()) {
      if (n.op() == MatMulBnb4.OP) {
        return true;
      }
    }
    return false;
  }

  /**
   * The initializers holding NF4 weight data: each weight's packed codes and absmax (or its 8-bit
   * codes, scales and offset), and the shared 16-value code table.
   */
  public static List<Value> quantizedInitializers(Graph graph) {
    Set<Value> held = new LinkedHashSet<>();
    for (Map.Entry<String, String> e : graph.metadata().entrySet()) {
      if (e.getKey().startsWith(METADATA_PREFIX)) {
        String[] fields = e.getValue().split(Pattern.quote(SEPARATOR));
        for (int i = 1; i < fields.length; i++) {
          held.add(graph.value(fields[i]));
        }
      }
    }
    if (!held.isEmpty()) {
      for (Map.Entry<Value, TensorData> e : graph.initializers().entrySet()) {
        if (isCodeTable(e.getValue())) {
          held.add(e.getKey());
        }
      }
    }
    return List.copyOf(held);
  }

  /**
   * The bytes of the initializers holding NF4 weights that a session over {@code graph} keeps (with
   * ConstantFolding off), and the number of weights they encode.
   */
  public static ResidentBytes residentBytes(Graph graph) {
    long parameters = 0;
    for (Map.Entry<String, String> e : graph.metadata().entrySet()) {
      if (e.getKey().startsWith(METADATA_PREFIX)) {
        parameters += Long.parseLong(e.getValue().split(Pattern.quote(SEPARATOR))[0]);
      }
    }
    long bytes = 0;
    for (Value v : quantizedInitializers(graph)) {
      bytes += graph.initializers().get(v).byteSize();
    }
    return new ResidentBytes(bytes, parameters);
  }

  /** Records that {@code initializers} hold the {@code parameters} weights of one NF4 tensor. */
  static void record(Graph graph, long parameters, List<Value> initializers) {
    List<String> fields = new ArrayList<>();
    fields.add(Long.toString(parameters));
    for (Value v : initializers) {
      if (v.name().contains(SEPARATOR)) {
        throw new QuantizationException(
            "NF4 initializer name '" + v.name() + "' must not contain '" + SEPARATOR + "'");
      }
      fields.add(v.name());
    }
    graph
        .metadata()
        .put(METADATA_PREFIX + initializers.get(0).name(), String.join(SEPARATOR, fields));
  }

  private static boolean isCodeTable(TensorData d) {
    if (d.type() != ElementType.FLOAT || d.elementCount() != Nf4Codebook.SIZE) {
      return false;
    }
    double[] v = d.toDoubles();
    for (int i = 0; i < v.length; i++) {
      if (v[i] != Nf4Codebook.value(i)) {
        return false;
      }
    }
    return true;
  }
}
