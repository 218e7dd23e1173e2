package dev.armory.engine.models;

import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.Graph;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Shape;
import dev.armory.engine.graph.TensorData;
import dev.armory.engine.graph.Value;
import dev.armory.engine.numeric.HalfFloat;
import dev.armory.engine.runtime.Tensors;
import dev.armory.engine.safetensors.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A checkpoint's parameters as graph values: frozen ones become initializers over the memory-mapped
 * bytes (fp32 weights are not copied; fp16/bf16 ones are widened once into off-heap buffers),
 * trainable ones become graph inputs the trainer feeds each step.
 */
public final class ModelParameters {
  private final CheckpointBinding checkpoint;
  private final Set<String> trainable;
  private final ElementType dtype;
  // Values belong to one graph; the same parameters may feed several graphs (train and eval).
  private final Map<Graph, Map<String, Value>> values = new IdentityHashMap<>();
  private final Map<String, TensorData> data = new HashMap<>();
  private final Map<String, Value> trainableInputs = new LinkedHashMap<>();

  /**
   * @param trainable canonical names of parameters to expose as graph inputs
   * @param dtype the graph's compute type: FLOAT, or DOUBLE for exact gradient checks
   */
  public ModelParameters(CheckpointBinding checkpoint, Set<String> trainable, ElementType dtype) {
    if (dtype != ElementType.FLOAT && dtype != ElementType.DOUBLE) {
      throw new IllegalArgumentException("forward graphs compute in FLOAT or DOUBLE, not " + dtype);
    }
    this.checkpoint = checkpoint;
    this.trainable = Set.copyOf(trainable);
    this.dtype = dtype;
  }

  /** All parameters frozen, computing in float32. */
  public static ModelParameters frozen(CheckpointBinding checkpoint) {
    return new ModelParameters(checkpoint, Set.of(), ElementType.FLOAT);
  }

  /** The element type the graph computes in. */
  public ElementType dtype() {
    return dtype;
  }

  public CheckpointBinding checkpoint() {
    return checkpoint;
  }

  /** The graph value of a parameter (by canonical name), created on first use. */
  public Value get(GraphBuilder b, String name) {
    Map<String, Value> ofGraph = values.computeIfAbsent(b.graph(), g -> new HashMap<>());
    Value v = ofGraph.get(name);
    if (v != null) {
      return v;
    }
    TensorInfo info = checkpoint.info(name);
    if (trainable.contains(name)) {
      v = b.input(name, dtype, Shape.of(info.shape()));
      trainableInputs.put(name, v);
    } else {
      v = b.initializer(name, data.computeIfAbsent(name, this::converted));
    }
    ofGraph.put(name, v);
    return v;
  }

  /** Graph inputs created for trainable parameters, in creation order. */
  public Map<String, Value> trainableInputs() {
    return trainableInputs;
  }

  private TensorData converted(String name) {
    return dtype == ElementType.FLOAT ? float32(name) : float64(name);
  }

  /** A parameter's values as float32: zero-copy for F32, widened once for F16/BF16/F64. */
  public TensorData float32(String name) {
    TensorInfo info = checkpoint.info(name);
    ByteBuffer src = checkpoint.data(name).order(ByteOrder.LITTLE_ENDIAN);
    return switch (info.dtype()) {
      case F32 -> TensorData.wrap(ElementType.FLOAT, info.shape(), src);
      case F16, BF16, F64 -> TensorData.wrap(ElementType.FLOAT, info.shape(), widen(info, src));
      default ->
          throw new IllegalArgumentException(
              "parameter '"
                  + info.name()
                  + "' has dtype "
                  + info.dtype()
                  + "; expected a float type");
    };
  }

  /** A parameter's values widened to float64 (gradient checks). */
  public TensorData float64(String name) {
    TensorData f = float32(name);
    java.nio.FloatBuffer src = f.bytes().asFloatBuffer();
    ByteBuffer out = Tensors.direct(f.elementCount() * 8).order(ByteOrder.LITTLE_ENDIAN);
    while (src.hasRemaining()) {
      out.putDouble(src.get());
    }
    out.flip();
    return TensorData.wrap(ElementType.DOUBLE, f.shape(), out);
  }

  private static ByteBuffer widen(TensorInfo info, ByteBuffer src) {
    long n = info.elementCount();
    ByteBuffer out = Tensors.direct(n * 4).order(ByteOrder.LITTLE_ENDIAN);
    FloatBuffer f = out.asFloatBuffer();
    for (long i = 0; i < n; i++) {
      f.put(
          switch (info.dtype()) {
            case F16 -> HalfFloat.fp16ToFloat(src.getShort());
            case BF16 -> HalfFloat.bf16ToFloat(src.getShort());
            default -> (float) src.getDouble();
          });
    }
    return out;
  }
}
