package dev.armory.engine.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SafetensorsRoundTripTest {
  @TempDir Path dir;

  static final List<long[]> SHAPES =
      List.of(
          new long[] {2, 3},
          new long[] {},
          new long[] {0, 4},
          new long[] {5},
          new long[] {1, 2, 2});

  /** Random bytes that are valid values of {@code dtype} (BOOL holds 0 or 1). */
  static byte[] values(DType dtype, long[] shape, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    byte[] b = new byte[(int) (TensorInfo.elementCount(shape) * dtype.byteSize())];
    for (int i = 0; i < b.length; i++) {
      b[i] = dtype == DType.BOOL ? (byte) r.nextInt(2) : (byte) r.nextInt(256);
    }
    return b;
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void everyDtypeRoundTripsValuesAndShapesIncludingScalarsAndEmptyTensors(DType dtype)
      throws Exception {
    SafetensorsWriter w = new SafetensorsWriter();
    for (int i = 0; i < SHAPES.size(); i++) {
      w.add("t" + i, dtype, SHAPES.get(i), ByteBuffer.wrap(values(dtype, SHAPES.get(i), i)));
    }
    Path file = dir.resolve("rt.safetensors");
    w.write(file);
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      assertEquals(SHAPES.size(), f.tensors().size());
      for (int i = 0; i < SHAPES.size(); i++) {
        TensorInfo t = f.info("t" + i);
        assertEquals(dtype, t.dtype());
        assertArrayEquals(SHAPES.get(i), t.shape());
        ByteBuffer data = f.data("t" + i);
        assertTrue(data.isReadOnly());
        assertEquals(ByteOrder.LITTLE_ENDIAN, data.order());
        byte[] got = new byte[data.remaining()];
        data.get(got);
        assertArrayEquals(values(dtype, SHAPES.get(i), i), got, "bytes of t" + i);
      }
      assertEquals(1, f.info("t1").elementCount(), "a scalar has one element");
      assertEquals(0, f.data("t2").remaining(), "an empty tensor has no bytes");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = DType.class,
      names = {"F32", "F16", "BF16", "F64"})
  void floatValuesSurviveConversionWithinTheTypesPrecision(DType dtype) throws Exception {
    float[] v = {0f, 1f, -2.5f, 3.1415927f, 1e-3f, -65504f, 0.02f, 100.25f};
    Path file = dir.resolve("f.safetensors");
    new SafetensorsWriter().addFloats("w", dtype, new long[] {2, 4}, v).write(file);
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      float[] got = f.readFloats("w");
      double relative = dtype == DType.BF16 ? 1.0 / 128 : dtype == DType.F16 ? 1.0 / 1024 : 1e-7;
      for (int i = 0; i < v.length; i++) {
        assertEquals(v[i], got[i], Math.abs(v[i]) * relative + 1e-7, "element " + i);
      }
    }
  }

  @Test
  void integerTensorsKeepTheirValues() throws Exception {
    ByteBuffer ids = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
    ids.putLong(Long.MIN_VALUE).putLong(-1).putLong(Long.MAX_VALUE).flip();
    Path file = dir.resolve("i.safetensors");
    new SafetensorsWriter().add("ids", DType.I64, new long[] {3}, ids).write(file);
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      ByteBuffer b = f.data("ids");
      assertEquals(Long.MIN_VALUE, b.getLong(0));
      assertEquals(-1, b.getLong(8));
      assertEquals(Long.MAX_VALUE, b.getLong(16));
      assertThrows(IllegalArgumentException.class, () -> f.readFloats("ids"));
    }
  }

  @Test
  void metadataRoundTrips() throws Exception {
    Path file = dir.resolve("m.safetensors");
    new SafetensorsWriter()
        .metadata("format", "pt")
        .metadata(Map.of("note", "ünïcode \"quoted\"", "empty", ""))
        .addFloats("x", new long[] {1}, new float[] {1})
        .write(file);
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      assertEquals(Map.of("format", "pt", "note", "ünïcode \"quoted\"", "empty", ""), f.metadata());
    }
  }

  @Test
  void sameInputGivesIdenticalBytesWithAlignedHeaderAndSortedKeys() throws Exception {
    Path a = dir.resolve("a.safetensors");
    Path b = dir.resolve("b.safetensors");
    for (Path p : List.of(a, b)) {
      new SafetensorsWriter()
          .addFloats("z", DType.F16, new long[] {3}, new float[] {1, 2, 3})
          .addFloats("a", new long[] {2}, new float[] {4, 5})
          .add("b", DType.U8, new long[] {1}, ByteBuffer.wrap(new byte[] {7}))
          .write(p);
    }
    byte[] bytes = Files.readAllBytes(a);
    assertArrayEquals(bytes, Files.readAllBytes(b));
    long headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    assertEquals(0, headerLength % 8, "header padded to 8 bytes");
    String header = new String(bytes, 8, (int) headerLength);
    assertTrue(
        header.indexOf("\"a\"") < header.indexOf("\"b\"")
            && header.indexOf("\"b\"") < header.indexOf("\"z\""),
        header);
    try (SafetensorsFile f = SafetensorsFile.open(a)) {
      // Larger elements first keeps every tensor aligned to its element size.
      assertEquals(0, f.info("a").start());
      assertEquals(8, f.info("z").start());
      assertEquals(14, f.info("b").start());
    }
  }

  @Test
  void streamedTensorIsWrittenFromItsCallbackAndAWrongSizeIsRefused() throws Exception {
    Path file = dir.resolve("s.safetensors");
    new SafetensorsWriter()
        .add(
            "big",
            DType.F32,
            new long[] {1000},
            out -> {
              ByteBuffer b = ByteBuffer.allocate(400).order(ByteOrder.LITTLE_ENDIAN);
              for (int chunk = 0; chunk < 10; chunk++) {
                b.clear();
                for (int i = 0; i < 100; i++) {
                  b.putFloat(chunk * 100 + i);
                }
                b.flip();
                out.write(b);
              }
            })
        .write(file);
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      float[] v = f.readFloats("big");
      assertEquals(999f, v[999]);
      assertEquals(123f, v[123]);
    }
    Path bad = dir.resolve("bad.safetensors");
    var e =
        assertThrows(
            java.io.IOException.class,
            () ->
                new SafetensorsWriter()
                    .add(
                        "short",
                        DType.F32,
                        new long[] {4},
                        out -> out.write(ByteBuffer.allocate(12)))
                    .write(bad));
    assertTrue(
        e.getMessage().contains("'short'") && e.getMessage().contains("wrote 12"), e.getMessage());
    assertTrue(Files.notExists(bad), "no partial file left behind");
  }

  @Test
  void missingTensorErrorListsCloseNames() throws Exception {
    Path file = dir.resolve("n.safetensors");
    new SafetensorsWriter()
        .addFloats("model.layers.0.self_attn.q_proj.weight", new long[] {1}, new float[] {1})
        .addFloats("model.layers.0.self_attn.k_proj.weight", new long[] {1}, new float[] {1})
        .write(file);
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      var e =
          assertThrows(
              NoSuchTensorException.class, () -> f.info("model.layers.0.self_attn.q_proj.weigth"));
      assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
      assertTrue(
          e.getMessage().contains("closest names: [model.layers.0.self_attn.q_proj.weight"),
          e.getMessage());
    }
  }

  @Test
  void closedFileRefusesReads() throws Exception {
    Path file = dir.resolve("c.safetensors");
    new SafetensorsWriter().addFloats("x", new long[] {1}, new float[] {1}).write(file);
    SafetensorsFile f = SafetensorsFile.open(file);
    ByteBuffer before = f.data("x");
    f.close();
    assertThrows(IllegalStateException.class, () -> f.data("x"));
    assertEquals(1f, before.getFloat(0), "slices handed out before close stay readable");
  }
}
