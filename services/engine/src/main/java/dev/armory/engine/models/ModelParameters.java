package dev.armory.engine.models;

import dev.armory.engine.graph.ElementType;
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
  private final Map<String, Value> values = new HashMap<>();
  private final Map<String, Value> trainableInputs = new LinkedHashMap<>();

  public ModelParameters(CheckpointBinding checkpoint, Set<String> trainable) {
    this.checkpoint = checkpoint;
    this.trainable = Set.copyOf(trainable);
  }

  /** All parameters frozen. */
  public static ModelParameters frozen(CheckpointBinding checkpoint) {
    return new ModelParameters(checkpoint, Set.of());
  }

  public CheckpointBinding checkpoint() {
    return checkpoint;
  }

  /** The graph value of a parameter (by canonical name), created on first use. */
  public Value get(GraphBuilder b, String name) {
    Value v = values.get(name);
    if (v != null) {
      return v;
    }
    TensorInfo info = checkpoint.info(name);
    if (trainable.contains(name)) {
      v = b.input(name, ElementType.FLOAT, Shape.of(info.shape()));
      trainableInputs.put(name, v);
    } else {
      v = b.initializer(name, float32(name));
    }
    values.put(name, v);
    return v;
  }

  /** Graph inputs created for trainable parameters, in creation order. */
  public Map<String, Value> trainableInputs() {
    return trainableInputs;
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
