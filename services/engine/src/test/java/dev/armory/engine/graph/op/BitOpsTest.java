package dev.armory.engine.graph.op;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.GraphException;
import dev.armory.engine.graph.TensorData;
import dev.armory.engine.graph.Value;
import dev.armory.engine.runtime.GraphSession;
import dev.armory.engine.runtime.SessionConfig;
import java.nio.ByteBuffer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** BitShift and BitwiseAnd on uint8 (nibble unpacking) against Java's operators. */
class BitOpsTest {
  @Test
  void shiftRightAndMaskSplitBytesIntoNibbles() throws Exception {
    byte[] bytes = new byte[256];
    for (int i = 0; i < 256; i++) {
      bytes[i] = (byte) i;
    }
    GraphBuilder b = GraphBuilder.create("nibbles");
    Value x = b.initializer("x", TensorData.ofBytes(ElementType.UINT8, new long[] {256}, bytes));
    Value high = b.bitShift(x, b.scalar(ElementType.UINT8, 4), true);
    Value low = b.bitwiseAnd(x, b.scalar(ElementType.UINT8, 15));
    Value left = b.bitShift(x, b.scalar(ElementType.UINT8, 1), false);
    b.output(high, "high");
    b.output(low, "low");
    b.output(left, "left");
    byte[] expectedHigh = new byte[256];
    byte[] expectedLow = new byte[256];
    byte[] expectedLeft = new byte[256];
    for (int i = 0; i < 256; i++) {
      expectedHigh[i] = (byte) (i >>> 4);
      expectedLow[i] = (byte) (i & 15);
      expectedLeft[i] = (byte) (i << 1);
    }
    try (GraphSession s = GraphSession.create(b.graph(), SessionConfig.defaults());
        OrtSession.Result r = s.run(Map.<String, OnnxTensor>of())) {
      assertArrayEquals(expectedHigh, bytes(r, "high"));
      assertArrayEquals(expectedLow, bytes(r, "low"));
      assertArrayEquals(expectedLeft, bytes(r, "left"));
    }
  }

  static byte[] bytes(OrtSession.Result r, String name) {
    ByteBuffer buf = ((OnnxTensor) r.get(name).get()).getByteBuffer();
    byte[] out = new byte[buf.remaining()];
    buf.get(out);
    return out;
  }

  @Test
  void inferenceRejectsWrongTypesAndIsNotDifferentiable() {
    GraphBuilder b = GraphBuilder.create("bad");
    Value f = b.input("f", ElementType.FLOAT, 4);
    Value u = b.input("u", ElementType.UINT8, 4);
    GraphException shift =
        assertThrows(GraphException.class, () -> b.bitShift(f, b.scalarLike(f, 1), true));
    assertTrue(shift.getMessage().contains("BitShift needs uint8"), shift.getMessage());
    GraphException and = assertThrows(GraphException.class, () -> b.bitwiseAnd(f, f));
    assertTrue(and.getMessage().contains("BitwiseAnd needs integer"), and.getMessage());
    GraphException direction =
        assertThrows(
            GraphException.class,
            () ->
                b.apply(
                    BitShift.OP, dev.armory.engine.graph.Attributes.of("direction", "UP"), u, u));
    assertTrue(direction.getMessage().contains("LEFT or RIGHT"), direction.getMessage());
    assertFalse(BitShift.OP.differentiable());
    assertFalse(BitwiseAnd.OP.differentiable());
  }
}
