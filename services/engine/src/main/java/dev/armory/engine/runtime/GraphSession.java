package dev.armory.engine.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import dev.armory.engine.graph.Graph;
import dev.armory.engine.graph.OnnxWriter;
import dev.armory.engine.graph.TensorData;
import dev.armory.engine.graph.Value;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An ONNX Runtime session over a graph. Built in memory, large initializers are handed to ONNX
 * Runtime as tensors over their existing buffers (memory-mapped weights are not copied to build the
 * session); loaded from a file, external data is read from beside it.
 */
public final class GraphSession implements AutoCloseable {
  /** external_data location used for initializers attached from memory at session creation. */
  static final String IN_MEMORY_LOCATION = "armory-in-memory-initializer";

  private final String name;
  private final OrtSession session;
  private final List<OnnxTensor> attached;
  private boolean closed;

  private GraphSession(String name, OrtSession session, List<OnnxTensor> attached) {
    this.name = name;
    this.session = session;
    this.attached = attached;
  }

  /** A session over {@code graph}, built in memory. */
  public static GraphSession create(Graph graph, SessionConfig config) {
    Map<String, OnnxTensorLike> external = new LinkedHashMap<>();
    List<OnnxTensor> attached = new ArrayList<>();
    byte[] model;
    try {
      model =
          OnnxWriter.toProto(
                  graph,
                  (Value v, TensorData d) -> {
                    OnnxTensor t = Tensors.of(d);
                    attached.add(t);
                    external.put(v.name(), t);
                    return Map.of(
                        "location",
                        IN_MEMORY_LOCATION,
                        "offset",
                        "0",
                        "length",
                        Long.toString(d.byteSize()));
                  })
              .toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException("in-memory serialisation cannot fail", e);
    }
    try (OrtSession.SessionOptions opts = options(config)) {
      if (!external.isEmpty()) {
        opts.addExternalInitializers(external);
      }
      OrtSession s = Ort.env().createSession(model, opts);
      return new GraphSession(graph.name(), s, attached);
    } catch (OrtException e) {
      attached.forEach(OnnxTensor::close);
      throw new RuntimeFailure(
          "ONNX Runtime could not load graph '" + graph.name() + "': " + e.getMessage(), e);
    }
  }

  /** A session over an .onnx file (with its external data beside it). */
  public static GraphSession load(Path onnxFile, SessionConfig config) {
    try (OrtSession.SessionOptions opts = options(config)) {
      OrtSession s = Ort.env().createSession(onnxFile.toAbsolutePath().toString(), opts);
      return new GraphSession(onnxFile.getFileName().toString(), s, List.of());
    } catch (OrtException e) {
      throw new RuntimeFailure(
          "ONNX Runtime could not load " + onnxFile + ": " + e.getMessage(), e);
    }
  }

  static OrtSession.SessionOptions options(SessionConfig c) throws OrtException {
    OrtSession.SessionOptions o = new OrtSession.SessionOptions();
    try {
      o.setOptimizationLevel(c.optimization());
      if (c.intraOpThreads() > 0) {
        o.setIntraOpNumThreads(c.intraOpThreads());
      }
      if (!c.disabledOptimizers().isEmpty()) {
        o.addConfigEntry(
            "optimization.disable_specified_optimizers", String.join(",", c.disabledOptimizers()));
      }
      for (Map.Entry<String, String> e : c.configEntries().entrySet()) {
        if (e.getKey().equals(SessionConfig.OPTIMIZED_MODEL_FILE)) {
          o.setOptimizedModelFilePath(e.getValue());
        } else if (e.getKey().equals(SessionConfig.PROFILE_PREFIX)) {
          o.enableProfiling(e.getValue());
        } else {
          o.addConfigEntry(e.getKey(), e.getValue());
        }
      }
      if (c.provider() == ExecutionProvider.CUDA) {
        addCuda(o, c.cudaDevice());
      }
      return o;
    } catch (OrtException | RuntimeException e) {
      o.close();
      throw e;
    }
  }

  private static void addCuda(OrtSession.SessionOptions o, int device) {
    if (!Ort.availableProviders().contains(OrtProvider.CUDA)) {
      throw new RuntimeFailure(
          "the CUDA execution provider was requested, but the ONNX Runtime on the classpath is the"
              + " CPU build (providers: "
              + Ort.availableProviders()
              + "). Build Armory with the Maven profile -Ponnxruntime_gpu and make the CUDA 12 and"
              + " cuDNN 9 libraries visible (LD_LIBRARY_PATH), or run with --device cpu.");
    }
    try (OrtCUDAProviderOptions cuda = new OrtCUDAProviderOptions(device)) {
      o.addCUDA(cuda);
    } catch (OrtException e) {
      throw new RuntimeFailure(
          "the CUDA execution provider could not start on device "
              + device
              + " ("
              + e.getMessage()
              + "). Check that a GPU is visible (nvidia-smi) and the CUDA 12 / cuDNN 9 libraries"
              + " are on LD_LIBRARY_PATH, or run with --device cpu.",
          e);
    }
  }

  /** Stops ONNX Runtime's profiler (see SessionConfig.withProfiling) and returns its JSON file. */
  public Path endProfiling() {
    checkOpen();
    try {
      return Path.of(session.endProfiling());
    } catch (OrtException e) {
      throw new RuntimeFailure("could not end profiling of '" + name + "': " + e.getMessage(), e);
    }
  }

  public Set<String> inputNames() {
    return session.getInputNames();
  }

  public Set<String> outputNames() {
    return session.getOutputNames();
  }

  /** Runs the graph and returns every output (close the result to free them). */
  public OrtSession.Result run(Map<String, ? extends OnnxTensorLike> inputs) {
    return run(inputs, session.getOutputNames());
  }

  /** Runs the graph and returns the named outputs. */
  public OrtSession.Result run(Map<String, ? extends OnnxTensorLike> inputs, Set<String> outputs) {
    checkOpen();
    try {
      return session.run(inputs, outputs);
    } catch (OrtException e) {
      throw failure(inputs, e);
    }
  }

  /** Runs the graph writing outputs into caller-owned tensors (no allocation on hot paths). */
  public void runInto(
      Map<String, ? extends OnnxTensorLike> inputs, Map<String, ? extends OnnxValue> outputs) {
    checkOpen();
    try {
      session.run(inputs, Set.of(), outputs).close();
    } catch (OrtException e) {
      throw failure(inputs, e);
    }
  }

  /**
   * Runs the graph writing {@code pinned} outputs into caller-owned tensors and returning the
   * {@code requested} ones (outputs whose shape changes from run to run); close the result.
   */
  public OrtSession.Result runInto(
      Map<String, ? extends OnnxTensorLike> inputs,
      Set<String> requested,
      Map<String, ? extends OnnxValue> pinned) {
    checkOpen();
    try {
      return session.run(inputs, requested, pinned);
    } catch (OrtException e) {
      throw failure(inputs, e);
    }
  }

  /**
   * The failure of a run, naming the graph, the inputs' types and shapes, and inputs not given
   * (ONNX Runtime reports a missing input only from inside the first kernel that reads it).
   */
  private RuntimeFailure failure(Map<String, ? extends OnnxTensorLike> inputs, OrtException e) {
    Set<String> missing = new TreeSet<>(session.getInputNames());
    missing.removeAll(inputs.keySet());
    return new RuntimeFailure(
        "ONNX Runtime failed running graph '"
            + name
            + "' with inputs "
            + describe(inputs)
            + (missing.isEmpty() ? "" : " (inputs not given: " + missing + ")")
            + ": "
            + e.getMessage(),
        e);
  }

  /** Inputs as {@code {name=type[shape], …}} in name order, for error messages. */
  static String describe(Map<String, ? extends OnnxTensorLike> inputs) {
    Map<String, String> d = new TreeMap<>();
    inputs.forEach(
        (k, v) ->
            d.put(
                k,
                v.getInfo().type.name().toLowerCase(java.util.Locale.ROOT)
                    + java.util.Arrays.toString(v.getInfo().getShape())));
    return d.toString();
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("graph session '" + name + "' is closed");
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      session.close();
    } catch (OrtException e) {
      throw new RuntimeFailure("closing session '" + name + "' failed", e);
    } finally {
      attached.forEach(OnnxTensor::close);
    }
  }
}
