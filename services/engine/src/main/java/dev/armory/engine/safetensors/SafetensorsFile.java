package dev.armory.engine.safetensors;

import dev.armory.engine.numeric.HalfFloat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors file opened for reading. The data section is memory-mapped in chunks of at most
 * {@link #CHUNK_BYTES} (a single tensor up to 2 GiB gets its own chunk), so multi-GB files are read
 * without copying them onto the heap; {@link #data} hands out zero-copy slices.
 *
 * <p>Closing releases the file handle. Java cannot unmap explicitly: the mapped pages go when the
 * last slice handed out is garbage collected, so slices stay valid (never crash) after close.
 */
public final class SafetensorsFile implements AutoCloseable {
  /** Target size of one mapped region. */
  static final long CHUNK_BYTES = 1L << 30;

  /** Largest tensor {@link #data} can return: one {@link ByteBuffer} is int-indexed. */
  public static final long MAX_TENSOR_BYTES = Integer.MAX_VALUE;

  private final Path path;
  private final FileChannel channel;
  private final SafetensorsHeader header;
  private final Map<String, TensorInfo> byName = new LinkedHashMap<>();
  private final Map<String, Region> regionOf = new LinkedHashMap<>();
  private volatile boolean closed;

  /** A mapped window [fileStart, fileStart + buffer.capacity()) of the file. */
  private record Region(long fileStart, MappedByteBuffer buffer) {}

  private SafetensorsFile(Path path, FileChannel channel, SafetensorsHeader header)
      throws IOException {
    this.path = path;
    this.channel = channel;
    this.header = header;
    for (TensorInfo t : header.tensors()) {
      byName.put(t.name(), t);
    }
    mapRegions();
  }

  /** Opens and validates {@code path}; throws {@link SafetensorsFormatException} if malformed. */
  public static SafetensorsFile open(Path path) throws IOException {
    if (!Files.isRegularFile(path)) {
      throw new NoSuchFileException(path.toString(), null, "safetensors file not found");
    }
    FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
    try {
      return new SafetensorsFile(path, channel, SafetensorsHeader.read(path, channel));
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** Groups tensors (already in file order) into regions of about CHUNK_BYTES and maps them. */
  private void mapRegions() throws IOException {
    List<TensorInfo> group = new ArrayList<>();
    long groupStart = 0;
    for (TensorInfo t : header.tensors()) {
      if (t.byteLength() > MAX_TENSOR_BYTES) {
        continue; // refused in data(), still listed and described
      }
      if (!group.isEmpty() && t.end() - groupStart > CHUNK_BYTES) {
        mapGroup(group, groupStart);
        group.clear();
      }
      if (group.isEmpty()) {
        groupStart = t.start();
      }
      group.add(t);
    }
    if (!group.isEmpty()) {
      mapGroup(group, groupStart);
    }
  }

  private void mapGroup(List<TensorInfo> group, long groupStart) throws IOException {
    long end = group.get(group.size() - 1).end();
    long fileStart = header.dataOffset() + groupStart;
    MappedByteBuffer buffer =
        channel.map(FileChannel.MapMode.READ_ONLY, fileStart, end - groupStart);
    Region region = new Region(fileStart, buffer);
    for (TensorInfo t : group) {
      regionOf.put(t.name(), region);
    }
  }

  /** The file this was opened from. */
  public Path path() {
    return path;
  }

  /** Every tensor, in file order. */
  public List<TensorInfo> tensors() {
    return header.tensors();
  }

  /** Tensor names, in file order. */
  public List<String> names() {
    return List.copyOf(byName.keySet());
  }

  /** True when the file holds a tensor named {@code name}. */
  public boolean contains(String name) {
    return byName.containsKey(name);
  }

  /** The header entry of {@code name}; throws {@link NoSuchTensorException} naming close ones. */
  public TensorInfo info(String name) {
    TensorInfo t = byName.get(name);
    if (t == null) {
      throw new NoSuchTensorException(path.toString(), name, byName.keySet());
    }
    return t;
  }

  /** The {@code __metadata__} map (empty when absent). */
  public Map<String, String> metadata() {
    return header.metadata();
  }

  /** Absolute file offset of the tensor's first byte (for ONNX external data pointing here). */
  public long fileOffset(String name) {
    return header.dataOffset() + info(name).start();
  }

  /** Read-only, little-endian, zero-copy view of the tensor's bytes (position 0). */
  public ByteBuffer data(String name) {
    checkOpen();
    TensorInfo t = info(name);
    if (t.byteLength() > MAX_TENSOR_BYTES) {
      throw new UnsupportedOperationException(
          path
              + ": tensor '"
              + name
              + "' is "
              + t.byteLength()
              + " bytes; Armory maps single tensors of at most 2 GiB (split or shard the tensor)");
    }
    Region region = regionOf.get(name);
    int offset = (int) (header.dataOffset() + t.start() - region.fileStart());
    return region.buffer().slice(offset, (int) t.byteLength()).order(ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * The tensor's values as floats, converted from F32, F16, BF16 or F64. Copies onto the heap: for
   * small tensors and tests; large weights should go through {@link #data}.
   */
  public float[] readFloats(String name) {
    return toFloats(path.toString(), info(name), data(name));
  }

  /** Converts a floating-point tensor's bytes to floats; {@code source} names it in errors. */
  static float[] toFloats(String source, TensorInfo t, ByteBuffer bytes) {
    long count = t.elementCount();
    if (count > Integer.MAX_VALUE - 8) {
      throw new UnsupportedOperationException(
          source + ": tensor '" + t.name() + "' has " + count + " elements, too many for float[]");
    }
    float[] out = new float[(int) count];
    ByteBuffer b = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    switch (t.dtype()) {
      case F32 -> b.asFloatBuffer().get(out);
      case F64 -> {
        for (int i = 0; i < out.length; i++) {
          out[i] = (float) b.getDouble(i * 8);
        }
      }
      case F16 -> {
        for (int i = 0; i < out.length; i++) {
          out[i] = HalfFloat.fp16ToFloat(b.getShort(i * 2));
        }
      }
      case BF16 -> {
        for (int i = 0; i < out.length; i++) {
          out[i] = HalfFloat.bf16ToFloat(b.getShort(i * 2));
        }
      }
      default ->
          throw new IllegalArgumentException(
              source
                  + ": tensor '"
                  + t.name()
                  + "' has dtype "
                  + t.dtype()
                  + "; readFloats converts only F32, F16, BF16 and F64 (use data() for raw bytes)");
    }
    return out;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException(path + ": safetensors file is closed");
    }
  }

  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      channel.close();
    }
  }

  @Override
  public String toString() {
    return "SafetensorsFile[" + path + ", " + byName.size() + " tensors]";
  }
}
