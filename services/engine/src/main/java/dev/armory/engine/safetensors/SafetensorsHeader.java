package dev.armory.engine.safetensors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed and validated safetensors header: the tensors in data order, the metadata, and where the
 * data section starts. Validation follows the format's rules strictly: every byte of the data
 * section belongs to exactly one tensor, in order, with no gaps.
 */
public record SafetensorsHeader(
    List<TensorInfo> tensors, Map<String, String> metadata, long dataOffset, long dataLength) {

  /** Headers above this size are refused: real ones are kilobytes, a huge value means garbage. */
  public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

  static final String METADATA_KEY = "__metadata__";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  public SafetensorsHeader {
    tensors = List.copyOf(tensors);
    metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
  }

  /** Reads and validates the header of {@code file} through {@code channel}. */
  public static SafetensorsHeader read(Path file, FileChannel channel) throws IOException {
    long fileSize = channel.size();
    if (fileSize < 8) {
      throw error(
          file,
          "file is "
              + fileSize
              + " bytes, shorter than the 8-byte header length; it is not a safetensors file or"
              + " is truncated");
    }
    ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    readFully(channel, lengthBytes, 0);
    long headerLength = lengthBytes.getLong(0);
    if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
      throw error(
          file,
          "header length "
              + Long.toUnsignedString(headerLength)
              + " bytes is absurd (limit "
              + MAX_HEADER_BYTES
              + "); the file is not a safetensors file or is corrupt");
    }
    if (headerLength > fileSize - 8) {
      throw error(
          file,
          "header length "
              + headerLength
              + " bytes runs past the end of the file ("
              + fileSize
              + " bytes); the file is truncated or not a safetensors file");
    }
    ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
    readFully(channel, headerBytes, 8);
    long dataOffset = 8 + headerLength;
    return parse(file, headerBytes.array(), dataOffset, fileSize - dataOffset);
  }

  /** Parses header JSON whose data section holds {@code dataLength} bytes. */
  static SafetensorsHeader parse(Path file, byte[] json, long dataOffset, long dataLength)
      throws SafetensorsFormatException {
    JsonNode root;
    try {
      root = JSON.readTree(new String(json, StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw error(file, "header is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw error(file, "header must be a JSON object mapping tensor names to entries");
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    List<TensorInfo> tensors = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (field.getKey().equals(METADATA_KEY)) {
        metadata.putAll(parseMetadata(file, field.getValue()));
      } else {
        tensors.add(parseEntry(file, field.getKey(), field.getValue(), dataLength));
      }
    }
    tensors.sort(Comparator.comparingLong(TensorInfo::start).thenComparingLong(TensorInfo::end));
    checkLayout(file, tensors, dataLength);
    return new SafetensorsHeader(tensors, metadata, dataOffset, dataLength);
  }

  private static Map<String, String> parseMetadata(Path file, JsonNode node)
      throws SafetensorsFormatException {
    if (node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw error(file, "'__metadata__' must be an object of string values, found " + node);
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isTextual()) {
        throw error(
            file,
            "'__metadata__' value for key '"
                + e.getKey()
                + "' must be a string, found "
                + e.getValue());
      }
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  private static TensorInfo parseEntry(Path file, String name, JsonNode entry, long dataLength)
      throws SafetensorsFormatException {
    String where = "tensor '" + name + "'";
    if (!entry.isObject()) {
      throw error(file, where + " entry must be an object with dtype, shape, data_offsets");
    }
    JsonNode dtypeNode = entry.get("dtype");
    if (dtypeNode == null || !dtypeNode.isTextual()) {
      throw error(file, where + " has no string 'dtype'");
    }
    DType dtype = DType.fromHeaderName(dtypeNode.asText());
    if (dtype == null) {
      throw error(
          file,
          where
              + " has unknown or unsupported dtype '"
              + dtypeNode.asText()
              + "'; Armory reads "
              + DType.supported());
    }
    long[] shape = integers(file, where, "shape", entry.get("shape"), -1);
    for (long d : shape) {
      if (d < 0) {
        throw error(file, where + " has a negative dimension in shape " + Arrays.toString(shape));
      }
    }
    long[] offsets = integers(file, where, "data_offsets", entry.get("data_offsets"), 2);
    long start = offsets[0];
    long end = offsets[1];
    if (start < 0 || end < start) {
      throw error(
          file,
          where + " has invalid data_offsets [" + start + ", " + end + "]; need 0 <= start <= end");
    }
    if (end > dataLength) {
      throw error(
          file,
          where
              + " data_offsets ["
              + start
              + ", "
              + end
              + "] run past the data section ("
              + dataLength
              + " bytes); the file is truncated or the header is corrupt");
    }
    long bytes;
    try {
      bytes = Math.multiplyExact(TensorInfo.elementCount(shape), dtype.byteSize());
    } catch (ArithmeticException e) {
      throw error(file, where + " shape " + Arrays.toString(shape) + " overflows");
    }
    if (bytes != end - start) {
      throw error(
          file,
          where
              + " declares shape "
              + Arrays.toString(shape)
              + " of "
              + dtype
              + " ("
              + bytes
              + " bytes) but its offsets span "
              + (end - start)
              + " bytes; the file is truncated or corrupt");
    }
    return new TensorInfo(name, dtype, shape, start, end);
  }

  /** A JSON array of non-fractional integers; {@code length} -1 means any length. */
  private static long[] integers(Path file, String where, String key, JsonNode node, int length)
      throws SafetensorsFormatException {
    if (node == null || !node.isArray() || (length >= 0 && node.size() != length)) {
      throw error(
          file,
          where
              + " needs '"
              + key
              + "' as an array"
              + (length >= 0 ? " of " + length + " integers" : " of integers")
              + ", found "
              + node);
    }
    long[] out = new long[node.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode v = node.get(i);
      if (!v.isIntegralNumber() || !v.canConvertToLong()) {
        throw error(file, where + " '" + key + "' holds a non-integer value " + v);
      }
      out[i] = v.longValue();
    }
    return out;
  }

  /** Tensors sorted by start must tile the data section exactly. */
  private static void checkLayout(Path file, List<TensorInfo> sorted, long dataLength)
      throws SafetensorsFormatException {
    long position = 0;
    TensorInfo previous = null;
    for (TensorInfo t : sorted) {
      if (t.start() < position) {
        throw error(
            file,
            "tensors '"
                + previous.name()
                + "' ["
                + previous.start()
                + ", "
                + previous.end()
                + ") and '"
                + t.name()
                + "' ["
                + t.start()
                + ", "
                + t.end()
                + ") overlap; the header is corrupt");
      }
      if (t.start() > position) {
        throw error(
            file,
            (previous == null
                    ? "data section starts with"
                    : "after tensor '" + previous.name() + "' there is")
                + " a gap of "
                + (t.start() - position)
                + " bytes before tensor '"
                + t.name()
                + "'; the header is corrupt");
      }
      position = t.end();
      previous = t;
    }
    if (position != dataLength) {
      throw error(
          file,
          "the data section holds "
              + dataLength
              + " bytes but the tensors cover "
              + position
              + "; "
              + (dataLength - position)
              + " trailing bytes belong to no tensor");
    }
  }

  private static void readFully(FileChannel channel, ByteBuffer buffer, long position)
      throws IOException {
    long p = position;
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, p);
      if (n < 0) {
        throw new IOException("unexpected end of file at byte " + p);
      }
      p += n;
    }
  }

  static SafetensorsFormatException error(Path file, String what) {
    return new SafetensorsFormatException(file + ": " + what);
  }

  static SafetensorsFormatException error(Path file, String what, Throwable cause) {
    return new SafetensorsFormatException(file + ": " + what, cause);
  }
}
