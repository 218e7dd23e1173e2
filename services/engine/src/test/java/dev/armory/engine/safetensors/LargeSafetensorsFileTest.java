package dev.armory.engine.safetensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Multi-GB files, made sparse so the test writes only a few bytes: the reader must map regions past
 * the 2 GiB mark and describe (but refuse to map) a single tensor above 2 GiB.
 */
class LargeSafetensorsFileTest {
  @TempDir Path dir;

  static final long GIB = 1L << 30;

  /** Writes {@code header} and marks the last 4 bytes of each listed float tensor. */
  Path sparse(String header, long dataLength, long[] floatOffsets, float[] values)
      throws Exception {
    Path p = dir.resolve("big.safetensors");
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    try (FileChannel ch =
        FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(8 + json.length).order(ByteOrder.LITTLE_ENDIAN);
      ch.write(b.putLong(json.length).put(json).flip());
      long data = 8 + json.length;
      ch.write(ByteBuffer.allocate(1), data + dataLength - 1); // extend to full length first
      for (int i = 0; i < floatOffsets.length; i++) {
        ByteBuffer v = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(values[i]);
        ch.write(v.flip(), data + floatOffsets[i]);
      }
    }
    return p;
  }

  @Test
  void fiveGibFileOfSeveralTensorsReadsTensorsPastTheTwoGibMark() throws Exception {
    long t = 1200L * 1024 * 1024; // 1.2 GiB of F32 each: one mapped region per tensor
    long n = t / 4;
    StringBuilder h = new StringBuilder("{");
    for (int i = 0; i < 4; i++) {
      h.append(i == 0 ? "" : ",")
          .append("\"w")
          .append(i)
          .append("\":{\"dtype\":\"F32\",\"shape\":[")
          .append(n)
          .append("],\"data_offsets\":[")
          .append(i * t)
          .append(',')
          .append((i + 1) * t)
          .append("]}");
    }
    h.append('}');
    long[] marks = {t - 4, 2 * t - 4, 3 * t - 4, 4 * t - 4};
    Path p = sparse(h.toString(), 4 * t, marks, new float[] {1.5f, 2.5f, 3.5f, 4.5f});
    try (SafetensorsFile f = SafetensorsFile.open(p)) {
      for (int i = 0; i < 4; i++) {
        ByteBuffer b = f.data("w" + i);
        assertEquals(t, b.capacity());
        assertEquals(1.5f + i, b.getFloat((int) (t - 4)), "last element of w" + i);
        assertEquals(0f, b.getFloat(0));
      }
      assertTrue(f.fileOffset("w3") > 3 * GIB);
    }
  }

  @Test
  void singleTensorOverTwoGibIsListedButRefusedWithAClearMessage() throws Exception {
    long huge = 3 * GIB;
    String header =
        "{\"huge\":{\"dtype\":\"U8\",\"shape\":["
            + huge
            + "],\"data_offsets\":[0,"
            + huge
            + "]},\"small\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":["
            + huge
            + ","
            + (huge + 4)
            + "]}}";
    Path p = sparse(header, huge + 4, new long[] {huge}, new float[] {7f});
    try (SafetensorsFile f = SafetensorsFile.open(p)) {
      assertEquals(huge, f.info("huge").elementCount());
      assertEquals(7f, f.readFloats("small")[0]);
      var e = assertThrows(UnsupportedOperationException.class, () -> f.data("huge"));
      assertTrue(
          e.getMessage().contains("'huge'") && e.getMessage().contains("at most 2 GiB"),
          e.getMessage());
    }
  }
}
