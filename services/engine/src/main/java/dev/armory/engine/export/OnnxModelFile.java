package dev.armory.engine.export;

import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.Graph;
import dev.armory.engine.graph.OnnxWriter;
import dev.armory.engine.graph.TensorData;
import dev.armory.engine.numeric.HalfFloat;
import dev.armory.proto.onnx.AttributeProto;
import dev.armory.proto.onnx.GraphProto;
import dev.armory.proto.onnx.ModelProto;
import dev.armory.proto.onnx.NodeProto;
import dev.armory.proto.onnx.TensorProto;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Set;

/**
 * Writes an exported graph as {@code model.onnx} plus {@code model.onnx.data} (every initializer
 * over {@link OnnxWriter#INLINE_LIMIT} bytes, 4 KiB-aligned so it can be memory-mapped), streaming
 * each tensor from its buffer. Initializers named in {@code toHalf} are stored as float16 and
 * turned back into their float32 value by a Cast node at the head of the graph, so the graph itself
 * is unchanged.
 */
final class OnnxModelFile {
  static final int ALIGNMENT = 4096;
  static final String HALF_SUFFIX = ".fp16";

  private OnnxModelFile() {}

  /** Bytes written: the .onnx file and its external data. */
  record Written(Path onnx, Path data, long onnxBytes, long dataBytes) {}

  static Written write(Graph graph, Path onnxFile, Set<String> toHalf) throws IOException {
    String dataName = onnxFile.getFileName() + ".data";
    Path dataFile = onnxFile.resolveSibling(dataName);
    ModelProto model;
    try (FileChannel ch =
        FileChannel.open(
            dataFile,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      model =
          OnnxWriter.toProto(
              graph,
              (value, data) -> {
                long offset = (ch.position() + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
                ch.position(offset);
                boolean half = toHalf.contains(value.name()) && data.type() == ElementType.FLOAT;
                long length = half ? writeHalf(data, ch) : writeRaw(data, ch);
                return Map.of(
                    "location", dataName,
                    "offset", Long.toString(offset),
                    "length", Long.toString(length));
              });
    }
    if (!toHalf.isEmpty()) {
      model = castHalves(model, toHalf);
    }
    try (OutputStream out = Files.newOutputStream(onnxFile)) {
      model.writeTo(out);
    }
    return new Written(onnxFile, dataFile, Files.size(onnxFile), Files.size(dataFile));
  }

  private static long writeRaw(TensorData data, FileChannel ch) throws IOException {
    ByteBuffer b = data.bytes();
    while (b.hasRemaining()) {
      ch.write(b);
    }
    return data.byteSize();
  }

  private static long writeHalf(TensorData data, FileChannel ch) throws IOException {
    FloatBuffer src = data.bytes().asFloatBuffer();
    ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    while (src.hasRemaining()) {
      chunk.putShort(HalfFloat.floatToFp16(src.get()));
      if (!chunk.hasRemaining() || !src.hasRemaining()) {
        chunk.flip();
        while (chunk.hasRemaining()) {
          ch.write(chunk);
        }
        chunk.clear();
      }
    }
    return data.elementCount() * 2;
  }

  /** Retypes the half initializers to FLOAT16 under a new name and casts them back first thing. */
  private static ModelProto castHalves(ModelProto model, Set<String> toHalf) {
    GraphProto.Builder g = model.getGraph().toBuilder();
    int casts = 0;
    for (int i = 0; i < g.getInitializerCount(); i++) {
      TensorProto t = g.getInitializer(i);
      // Only external tensors were written as float16; small inline ones stay float32.
      if (!toHalf.contains(t.getName())
          || t.getDataType() != ElementType.FLOAT.onnxCode()
          || t.getDataLocation() != TensorProto.DataLocation.EXTERNAL) {
        continue;
      }
      String name = t.getName();
      g.setInitializer(
          i,
          t.toBuilder()
              .setName(name + HALF_SUFFIX)
              .setDataType(ElementType.FLOAT16.onnxCode())
              .build());
      g.addNode(
          casts++,
          NodeProto.newBuilder()
              .setName(name + "/CastToFloat")
              .setOpType("Cast")
              .addInput(name + HALF_SUFFIX)
              .addOutput(name)
              .addAttribute(
                  AttributeProto.newBuilder()
                      .setName("to")
                      .setType(AttributeProto.AttributeType.INT)
                      .setI(ElementType.FLOAT.onnxCode()))
              .build());
    }
    return model.toBuilder().setGraph(g).build();
  }
}
