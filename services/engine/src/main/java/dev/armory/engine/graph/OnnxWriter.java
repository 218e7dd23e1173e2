package dev.armory.engine.graph;

import com.google.protobuf.ByteString;
import dev.armory.engine.ArmoryVersion;
import dev.armory.proto.onnx.AttributeProto;
import dev.armory.proto.onnx.GraphProto;
import dev.armory.proto.onnx.ModelProto;
import dev.armory.proto.onnx.NodeProto;
import dev.armory.proto.onnx.OperatorSetIdProto;
import dev.armory.proto.onnx.StringStringEntryProto;
import dev.armory.proto.onnx.TensorProto;
import dev.armory.proto.onnx.TensorShapeProto;
import dev.armory.proto.onnx.TypeProto;
import dev.armory.proto.onnx.ValueInfoProto;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * Serialises a {@link Graph} to an ONNX ModelProto. Initializers up to {@link #INLINE_LIMIT} bytes
 * are stored inline; larger ones go to external data (a side file next to the .onnx, or memory that
 * the runtime attaches when it creates the session).
 */
public final class OnnxWriter {
  /** Initializers up to this many bytes are stored inside the ModelProto. */
  public static final long INLINE_LIMIT = 4096;

  /** IR version 10 goes with opset 21. */
  public static final long IR_VERSION = 10;

  /** Alignment of tensors in external data files, so they can be memory-mapped. */
  static final int EXTERNAL_ALIGNMENT = 4096;

  /** Where large initializers go. */
  public interface ExternalSink {
    /** Stores {@code data} and returns its external_data entries (location, offset, length). */
    Map<String, String> store(Value value, TensorData data) throws IOException;
  }

  private OnnxWriter() {}

  /**
   * Writes {@code graph} to {@code onnxPath}, large initializers into {@code <name>.data} beside it
   * (the pair must stay together; load it by path).
   */
  public static void write(Graph graph, Path onnxPath) throws IOException {
    Path dir = onnxPath.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    String dataName = onnxPath.getFileName() + ".data";
    Path dataPath = dir.resolve(dataName);
    try (FileChannel ch =
        FileChannel.open(
            dataPath,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ExternalSink sink =
          (value, data) -> {
            long offset = alignUp(ch.position(), EXTERNAL_ALIGNMENT);
            ch.position(offset);
            ByteBuffer b = data.bytes();
            while (b.hasRemaining()) {
              ch.write(b);
            }
            return Map.of(
                "location", dataName,
                "offset", Long.toString(offset),
                "length", Long.toString(data.byteSize()));
          };
      ModelProto model = toProto(graph, sink);
      try (OutputStream out = Files.newOutputStream(onnxPath)) {
        model.writeTo(out);
      }
      if (ch.size() == 0) {
        ch.close();
        Files.deleteIfExists(dataPath);
      }
    }
  }

  /**
   * The ModelProto of {@code graph}, with initializers over the inline limit given to {@code sink}
   * (all inline when the sink is null).
   */
  public static ModelProto toProto(Graph graph, ExternalSink sink) throws IOException {
    GraphProto.Builder g = GraphProto.newBuilder().setName(graph.name());
    for (Value v : graph.inputs()) {
      g.addInput(valueInfo(v));
    }
    for (Map.Entry<Value, TensorData> e : graph.initializers().entrySet()) {
      g.addInitializer(tensor(e.getKey(), e.getValue(), sink));
    }
    for (Node n : graph.nodes()) {
      g.addNode(node(n));
    }
    for (Value v : graph.outputs()) {
      g.addOutput(valueInfo(v));
    }
    ModelProto.Builder m =
        ModelProto.newBuilder()
            .setIrVersion(IR_VERSION)
            .setProducerName("armory")
            .setProducerVersion(ArmoryVersion.VERSION)
            .setGraph(g);
    for (Map.Entry<String, Long> e : graph.opsets().entrySet()) {
      m.addOpsetImport(
          OperatorSetIdProto.newBuilder().setDomain(e.getKey()).setVersion(e.getValue()));
    }
    graph.metadata().forEach((k, v) -> m.addMetadataProps(entry(k, v)));
    return m.build();
  }

  /** The ModelProto with every initializer inline (small graphs, tests). */
  public static ModelProto toProtoInline(Graph graph) throws IOException {
    return toProto(graph, null);
  }

  static long alignUp(long x, long a) {
    return (x + a - 1) / a * a;
  }

  private static TensorProto tensor(Value v, TensorData d, ExternalSink sink) throws IOException {
    if (sink == null || d.byteSize() <= INLINE_LIMIT) {
      return inlineTensor(v.name(), d);
    }
    TensorProto.Builder t = header(v.name(), d).setDataLocation(TensorProto.DataLocation.EXTERNAL);
    sink.store(v, d).forEach((k, val) -> t.addExternalData(entry(k, val)));
    return t.build();
  }

  /** An inline TensorProto (raw little-endian bytes). */
  public static TensorProto inlineTensor(String name, TensorData d) {
    return header(name, d).setRawData(ByteString.copyFrom(d.bytes())).build();
  }

  private static TensorProto.Builder header(String name, TensorData d) {
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(d.type().onnxCode());
    for (long dim : d.shape()) {
      t.addDims(dim);
    }
    return t;
  }

  private static ValueInfoProto valueInfo(Value v) {
    TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
    for (Dim d : v.shape().dims()) {
      TensorShapeProto.Dimension.Builder db = TensorShapeProto.Dimension.newBuilder();
      if (d.isKnown()) {
        db.setDimValue(d.value());
      } else if (d.isNamed()) {
        db.setDimParam(d.symbol());
      }
      s.addDim(db);
    }
    TypeProto type =
        TypeProto.newBuilder()
            .setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(v.type().onnxCode()).setShape(s))
            .build();
    return ValueInfoProto.newBuilder().setName(v.name()).setType(type).build();
  }

  private static NodeProto node(Node n) {
    NodeProto.Builder b =
        NodeProto.newBuilder().setName(n.name()).setOpType(n.opType()).setDomain(n.domain());
    for (Value in : n.inputs()) {
      b.addInput(in == null ? "" : in.name());
    }
    for (Value out : n.outputs()) {
      b.addOutput(out.name());
    }
    n.attributes().asMap().forEach((k, v) -> b.addAttribute(attribute(k, v)));
    return b.build();
  }

  private static AttributeProto attribute(String name, Object v) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name);
    if (v instanceof Long l) {
      a.setType(AttributeProto.AttributeType.INT).setI(l);
    } else if (v instanceof Float f) {
      a.setType(AttributeProto.AttributeType.FLOAT).setF(f);
    } else if (v instanceof String s) {
      a.setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(s));
    } else if (v instanceof long[] ls) {
      a.setType(AttributeProto.AttributeType.INTS);
      for (long l : ls) {
        a.addInts(l);
      }
    } else if (v instanceof float[] fs) {
      a.setType(AttributeProto.AttributeType.FLOATS);
      for (float f : fs) {
        a.addFloats(f);
      }
    } else if (v instanceof String[] ss) {
      a.setType(AttributeProto.AttributeType.STRINGS);
      for (String s : ss) {
        a.addStrings(ByteString.copyFromUtf8(s));
      }
    } else if (v instanceof TensorData t) {
      a.setType(AttributeProto.AttributeType.TENSOR).setT(inlineTensor("", t));
    } else {
      throw new IllegalArgumentException("attribute " + name + " has unsupported value " + v);
    }
    return a.build();
  }

  private static StringStringEntryProto entry(String k, String v) {
    return StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
  }
}
