package dev.armory.engine.merge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.armory.engine.models.LinearModule;
import dev.armory.engine.numeric.HalfFloat;
import dev.armory.engine.safetensors.DType;
import dev.armory.engine.safetensors.SafetensorsWriter;
import dev.armory.engine.safetensors.TensorInfo;
import dev.armory.engine.safetensors.WeightStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes a merged checkpoint tensor by tensor: rewritten linear weights are computed when the file
 * writer reaches them, every other tensor streams from the memory-mapped source, converted to the
 * output dtype in 64 KiB chunks (floating-point tensors) or copied (integer and bool buffers).
 * Checkpoints over the shard limit are split into {@code model-0000i-of-0000n.safetensors} with
 * {@code model.safetensors.index.json}, as Hugging Face writes them.
 */
final class MergedCheckpointWriter {
  private static final int CHUNK = 1 << 16;

  /** Progress: one call per tensor written. */
  interface Listener {
    void tensorWritten(String name, int done, int total);
  }

  private final WeightStore source;
  private final DeltaMerge merge;
  private final WeightDType dtype;

  MergedCheckpointWriter(WeightStore source, DeltaMerge merge, WeightDType dtype) {
    this.source = source;
    this.merge = merge;
    this.dtype = dtype;
  }

  /** The files written, in order, and the bytes of tensor data. */
  record Written(List<Path> files, long bytes, int tensors) {}

  Written write(Path dir, long maxShardBytes, Listener listener) throws IOException {
    List<List<TensorInfo>> shards = new ArrayList<>();
    List<TensorInfo> current = new ArrayList<>();
    long currentBytes = 0;
    long total = 0;
    for (TensorInfo t : source.tensors()) {
      long bytes = outputBytes(t);
      if (!current.isEmpty() && currentBytes + bytes > maxShardBytes) {
        shards.add(current);
        current = new ArrayList<>();
        currentBytes = 0;
      }
      current.add(t);
      currentBytes += bytes;
      total += bytes;
    }
    shards.add(current);
    int count = source.tensors().size();
    int[] done = {0};
    List<Path> files = new ArrayList<>();
    ObjectNode weightMap = new ObjectMapper().createObjectNode();
    for (int s = 0; s < shards.size(); s++) {
      String name =
          shards.size() == 1
              ? WeightStore.SINGLE_FILE
              : String.format(Locale.ROOT, "model-%05d-of-%05d.safetensors", s + 1, shards.size());
      SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
      for (TensorInfo t : shards.get(s)) {
        w.add(
            t.name(),
            outputType(t),
            t.shape(),
            out -> {
              writeTensor(t, out);
              listener.tensorWritten(t.name(), ++done[0], count);
            });
        weightMap.put(t.name(), name);
      }
      Path file = dir.resolve(name);
      w.write(file);
      files.add(file);
    }
    if (shards.size() > 1) {
      ObjectMapper json = new ObjectMapper();
      ObjectNode index = json.createObjectNode();
      index.putObject("metadata").put("total_size", total);
      index.set("weight_map", weightMap);
      json.writerWithDefaultPrettyPrinter()
          .writeValue(dir.resolve(WeightStore.INDEX_FILE).toFile(), index);
    }
    return new Written(files, total, count);
  }

  private DType outputType(TensorInfo t) {
    return t.dtype().isFloatingPoint() ? dtype.dtype() : t.dtype();
  }

  private long outputBytes(TensorInfo t) {
    return t.elementCount() * outputType(t).byteSize();
  }

  private void writeTensor(TensorInfo t, WritableByteChannel out) throws IOException {
    LinearModule m = merge.moduleOf(t.name());
    if (m != null) {
      writeFloats(merge.mergedWeight(m), out);
      return;
    }
    ByteBuffer data = source.data(t.name()).order(ByteOrder.LITTLE_ENDIAN);
    if (!t.dtype().isFloatingPoint() || t.dtype() == dtype.dtype()) {
      ByteBuffer b = data.duplicate();
      while (b.hasRemaining()) {
        out.write(b);
      }
      return;
    }
    ByteBuffer chunk = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
    long n = t.elementCount();
    for (long i = 0; i < n; i++) {
      if (chunk.remaining() < 4) {
        drain(chunk, out);
      }
      dtype.put(chunk, read(data, t.dtype(), (int) i));
    }
    drain(chunk, out);
  }

  private void writeFloats(float[] values, WritableByteChannel out) throws IOException {
    ByteBuffer chunk = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      if (chunk.remaining() < 4) {
        drain(chunk, out);
      }
      dtype.put(chunk, v);
    }
    drain(chunk, out);
  }

  private static float read(ByteBuffer data, DType type, int i) {
    return switch (type) {
      case F32 -> data.getFloat(4 * i);
      case F16 -> HalfFloat.fp16ToFloat(data.getShort(2 * i));
      case BF16 -> HalfFloat.bf16ToFloat(data.getShort(2 * i));
      case F64 -> (float) data.getDouble(8 * i);
      default -> throw new IllegalStateException("not a float type: " + type);
    };
  }

  private static void drain(ByteBuffer chunk, WritableByteChannel out) throws IOException {
    chunk.flip();
    while (chunk.hasRemaining()) {
      out.write(chunk);
    }
    chunk.clear();
  }
}
