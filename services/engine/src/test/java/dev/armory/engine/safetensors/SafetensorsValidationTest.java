package dev.armory.engine.safetensors;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One malformed file per test; each error must name the file and say what is wrong. */
class SafetensorsValidationTest {
  @TempDir Path dir;

  /** A file with the given header JSON and {@code dataBytes} zero bytes of data. */
  Path file(String header, int dataBytes) throws IOException {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    return raw(json.length, json, dataBytes);
  }

  Path raw(long declaredHeaderLength, byte[] header, int dataBytes) throws IOException {
    ByteBuffer b =
        ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(declaredHeaderLength).put(header);
    Path p = dir.resolve("bad.safetensors");
    Files.write(p, b.array());
    return p;
  }

  void assertRejected(Path p, String... phrases) {
    SafetensorsFormatException e =
        assertThrows(SafetensorsFormatException.class, () -> SafetensorsFile.open(p).close());
    assertTrue(e.getMessage().startsWith(p.toString() + ": "), "names the file: " + e.getMessage());
    for (String phrase : phrases) {
      assertTrue(e.getMessage().contains(phrase), "'" + phrase + "' in: " + e.getMessage());
    }
    System.out.println("rejected as expected: " + e.getMessage());
  }

  static final String X = "\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";

  @Test
  void fileShorterThanTheLengthPrefix() throws IOException {
    Path p = dir.resolve("bad.safetensors");
    Files.write(p, new byte[] {1, 0, 0});
    assertRejected(p, "shorter than the 8-byte header length");
  }

  @Test
  void headerLengthPastEndOfFile() throws IOException {
    byte[] json = ("{" + X + "}").getBytes(StandardCharsets.UTF_8);
    assertRejected(raw(json.length + 100, json, 8), "runs past the end of the file");
  }

  @Test
  void headerLengthAbsurd() throws IOException {
    assertRejected(raw(200L * 1024 * 1024, new byte[16], 0), "is absurd");
  }

  @Test
  void headerLengthWithTopBitSetIsAbsurdNotNegative() throws IOException {
    assertRejected(raw(-8, new byte[16], 0), "18446744073709551608", "is absurd");
  }

  @Test
  void malformedHeaderJson() throws IOException {
    assertRejected(file("{" + X + ",", 8), "header is not valid JSON");
  }

  @Test
  void headerThatIsNotAnObject() throws IOException {
    assertRejected(file("[1,2,3]", 0), "header must be a JSON object");
  }

  @Test
  void unknownDtype() throws IOException {
    assertRejected(
        file("{\"x\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]}}", 2),
        "tensor 'x'",
        "unsupported dtype 'F8_E4M3'",
        "F32, F16, BF16");
  }

  @Test
  void shapeTimesDtypeSizeDiffersFromByteSpan() throws IOException {
    assertRejected(
        file("{\"x\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}", 20),
        "tensor 'x' declares shape [2, 3] of F32 (24 bytes) but its offsets span 20 bytes");
  }

  @Test
  void offsetsOutOfRange() throws IOException {
    assertRejected(
        file("{" + X + "}", 4),
        "tensor 'x' data_offsets [0, 8] run past the data section (4 bytes)");
  }

  @Test
  void overlappingOffsets() throws IOException {
    assertRejected(
        file(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
            12),
        "'a' [0, 8) and 'b' [4, 12) overlap");
  }

  @Test
  void gapBetweenTensors() throws IOException {
    assertRejected(
        file(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}",
            12),
        "gap of 4 bytes before tensor 'b'");
  }

  @Test
  void trailingBytesAfterTheLastTensor() throws IOException {
    assertRejected(file("{" + X + "}", 12), "4 trailing bytes belong to no tensor");
  }

  @Test
  void negativeOrReversedOffsets() throws IOException {
    assertRejected(
        file("{\"x\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[4,0]}}", 4),
        "invalid data_offsets [4, 0]");
  }

  @Test
  void nonIntegerDimension() throws IOException {
    assertRejected(
        file("{\"x\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,8]}}", 8),
        "'shape' holds a non-integer value 2.5");
  }

  @Test
  void negativeDimension() throws IOException {
    assertRejected(
        file("{\"x\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8),
        "negative dimension");
  }

  @Test
  void duplicateTensorName() throws IOException {
    assertRejected(file("{" + X + "," + X + "}", 8), "Duplicate field 'x'");
  }

  @Test
  void missingEntryField() throws IOException {
    assertRejected(
        file("{\"x\":{\"dtype\":\"F32\",\"shape\":[2]}}", 8), "tensor 'x' needs 'data_offsets'");
  }

  @Test
  void metadataValueThatIsNotAString() throws IOException {
    assertRejected(
        file("{\"__metadata__\":{\"n\":3}," + X + "}", 8),
        "'__metadata__' value for key 'n' must be a string");
  }
}
