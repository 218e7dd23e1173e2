package dev.armory.engine.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.armory.engine.numeric.HalfFloat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a safetensors file. The output is deterministic: header keys sorted by name, metadata
 * first, header padded with spaces to 8 bytes, and the data section ordered by element size
 * (largest first) then name, so every tensor starts aligned to its own element size.
 *
 * <p>Tensors come from a {@link ByteBuffer} (not copied) or a {@link TensorBytes} callback that
 * streams them, so a huge tensor never has to be held twice. The file appears atomically: it is
 * written beside the target and renamed.
 */
public final class SafetensorsWriter {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Streams one tensor's bytes (little-endian) into the file. */
  @FunctionalInterface
  public interface TensorBytes {
    /** Writes exactly the tensor's byte length to {@code out}. */
    void writeTo(WritableByteChannel out) throws IOException;
  }

  private record Entry(String name, DType dtype, long[] shape, long bytes, TensorBytes source) {}

  private final Map<String, String> metadata = new TreeMap<>();
  private final Map<String, Entry> entries = new TreeMap<>();

  /** Adds one {@code __metadata__} entry. */
  public SafetensorsWriter metadata(String key, String value) {
    metadata.put(key, value);
    return this;
  }

  /** Adds every entry of {@code values} to {@code __metadata__}. */
  public SafetensorsWriter metadata(Map<String, String> values) {
    metadata.putAll(values);
    return this;
  }

  /**
   * Adds a tensor whose little-endian bytes are {@code data}'s remaining bytes. The buffer is read
   * at {@link #write} time, not copied now.
   */
  public SafetensorsWriter add(String name, DType dtype, long[] shape, ByteBuffer data) {
    long bytes = byteLength(name, dtype, shape);
    if (data.remaining() != bytes) {
      throw new IllegalArgumentException(
          "tensor '"
              + name
              + "' of "
              + dtype
              + " "
              + Arrays.toString(shape)
              + " needs "
              + bytes
              + " bytes but the buffer holds "
              + data.remaining());
    }
    ByteBuffer view = data.duplicate();
    return put(
        new Entry(
            name,
            dtype,
            shape.clone(),
            bytes,
            out -> {
              ByteBuffer b = view.duplicate();
              while (b.hasRemaining()) {
                out.write(b);
              }
            }));
  }

  /** Adds a tensor streamed by {@code source}, which must write exactly its byte length. */
  public SafetensorsWriter add(String name, DType dtype, long[] shape, TensorBytes source) {
    return put(new Entry(name, dtype, shape.clone(), byteLength(name, dtype, shape), source));
  }

  /** Adds float values stored as {@code dtype} (F32, F16, BF16 or F64), rounding to nearest. */
  public SafetensorsWriter addFloats(String name, DType dtype, long[] shape, float[] values) {
    long count = TensorInfo.elementCount(shape);
    if (count != values.length) {
      throw new IllegalArgumentException(
          "tensor '"
              + name
              + "' has shape "
              + Arrays.toString(shape)
              + " ("
              + count
              + " elements) but "
              + values.length
              + " values were given");
    }
    ByteBuffer b =
        ByteBuffer.allocate(Math.toIntExact(count * dtype.byteSize()))
            .order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      switch (dtype) {
        case F32 -> b.putFloat(v);
        case F64 -> b.putDouble(v);
        case F16 -> b.putShort(HalfFloat.floatToFp16(v));
        case BF16 -> b.putShort(HalfFloat.floatToBf16(v));
        default ->
            throw new IllegalArgumentException(
                "tensor '" + name + "': addFloats stores F32, F16, BF16 or F64, not " + dtype);
      }
    }
    return add(name, dtype, shape, b.flip());
  }

  /** Adds float32 values. */
  public SafetensorsWriter addFloats(String name, long[] shape, float[] values) {
    return addFloats(name, DType.F32, shape, values);
  }

  private SafetensorsWriter put(Entry e) {
    if (e.name().equals(SafetensorsHeader.METADATA_KEY)) {
      throw new IllegalArgumentException("'__metadata__' is reserved and cannot name a tensor");
    }
    if (entries.putIfAbsent(e.name(), e) != null) {
      throw new IllegalArgumentException("tensor '" + e.name() + "' was added twice");
    }
    return this;
  }

  private static long byteLength(String name, DType dtype, long[] shape) {
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException(
            "tensor '" + name + "' has a negative dimension: " + Arrays.toString(shape));
      }
    }
    return Math.multiplyExact(TensorInfo.elementCount(shape), dtype.byteSize());
  }

  /** The header and data layout {@link #write} produces, in data order. */
  public List<TensorInfo> layout() {
    List<Entry> order = new ArrayList<>(entries.values());
    order.sort(
        Comparator.comparingInt((Entry e) -> -e.dtype().byteSize()).thenComparing(Entry::name));
    List<TensorInfo> out = new ArrayList<>();
    long offset = 0;
    for (Entry e : order) {
      out.add(new TensorInfo(e.name(), e.dtype(), e.shape(), offset, offset + e.bytes()));
      offset += e.bytes();
    }
    return out;
  }

  /** The header bytes: JSON padded with spaces to a multiple of 8. */
  byte[] headerBytes(List<TensorInfo> layout) {
    ObjectNode root = JSON.createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode meta = root.putObject(SafetensorsHeader.METADATA_KEY);
      metadata.forEach(meta::put);
    }
    List<TensorInfo> byName = new ArrayList<>(layout);
    byName.sort(Comparator.comparing(TensorInfo::name));
    for (TensorInfo t : byName) {
      ObjectNode node = root.putObject(t.name());
      node.put("dtype", t.dtype().name());
      ArrayNode shape = node.putArray("shape");
      for (long d : t.shape()) {
        shape.add(d);
      }
      node.putArray("data_offsets").add(t.start()).add(t.end());
    }
    byte[] json = root.toString().getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) / 8 * 8;
    byte[] out = Arrays.copyOf(json, padded);
    Arrays.fill(out, json.length, padded, (byte) ' ');
    return out;
  }

  /** Writes the file atomically (a sibling temporary file renamed onto {@code file}). */
  public void write(Path file) throws IOException {
    Path absolute = file.toAbsolutePath();
    Path dir = absolute.getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + absolute.getFileName(), ".tmp");
    try {
      writeTo(tmp, file);
      try {
        Files.move(
            tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private void writeTo(Path tmp, Path target) throws IOException {
    List<TensorInfo> layout = layout();
    byte[] header = headerBytes(layout);
    try (FileChannel out =
        FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer prefix = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
      prefix.putLong(header.length).put(header).flip();
      while (prefix.hasRemaining()) {
        out.write(prefix);
      }
      for (TensorInfo t : layout) {
        CountingChannel counting = new CountingChannel(out);
        entries.get(t.name()).source().writeTo(counting);
        if (counting.count != t.byteLength()) {
          throw new IOException(
              target
                  + ": tensor '"
                  + t.name()
                  + "' should be "
                  + t.byteLength()
                  + " bytes but its source wrote "
                  + counting.count
                  + "; nothing was written");
        }
      }
    }
  }

  /** Counts bytes on their way to the file, so a wrong-sized stream is caught. */
  private static final class CountingChannel implements WritableByteChannel {
    private final WritableByteChannel target;
    long count;

    CountingChannel(WritableByteChannel target) {
      this.target = target;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      int n = target.write(src);
      count += n;
      return n;
    }

    @Override
    public boolean isOpen() {
      return target.isOpen();
    }

    @Override
    public void close() {
      // the writer owns the file channel
    }
  }
}
