package dev.armory.engine.models;

import dev.armory.engine.numeric.HalfFloat;
import dev.armory.engine.safetensors.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Reads a checkpoint's parameters as flat double arrays for the plain-Java references. */
final class ReferenceWeights {
  private final CheckpointBinding checkpoint;

  ReferenceWeights(CheckpointBinding checkpoint) {
    this.checkpoint = checkpoint;
  }

  /** Parameter {@code name} (canonical), row-major, widened from F32/F16/BF16/F64 to double. */
  double[] get(String name) {
    TensorInfo info = checkpoint.info(name);
    ByteBuffer src = checkpoint.data(name).order(ByteOrder.LITTLE_ENDIAN);
    int n = Math.toIntExact(info.elementCount());
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] =
          switch (info.dtype()) {
            case F32 -> src.getFloat();
            case F64 -> src.getDouble();
            case F16 -> HalfFloat.fp16ToFloat(src.getShort());
            case BF16 -> HalfFloat.bf16ToFloat(src.getShort());
            default ->
                throw new IllegalArgumentException(
                    name + " has dtype " + info.dtype() + "; the reference reads float types");
          };
    }
    return out;
  }

  /** Parameter {@code name}, or null when the architecture has no such parameter. */
  double[] optional(String name, boolean present) {
    return present ? get(name) : null;
  }
}
