package dev.armory.engine.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.engine.graph.op.Concat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Builder details others rely on: constant sharing, output names, shape inference corners. */
class GraphBuilderTest {
  @Test
  void equalSmallConstantsAreShared() {
    GraphBuilder b = GraphBuilder.create("g");
    assertSame(b.ints(1, 2, 3), b.ints(1, 2, 3));
    assertSame(b.scalar(ElementType.DOUBLE, 0.5), b.scalar(ElementType.DOUBLE, 0.5));
    assertNotSame(b.scalar(ElementType.DOUBLE, 0.5), b.scalar(ElementType.FLOAT, 0.5));
    assertNotSame(b.ints(1, 2, 3), b.ints(1, 2, 3, 4));
  }

  @Test
  void int64ConstantsThatDifferBeyondDoublePrecisionStayDistinct() {
    // Both round to the same double (2^63); slice ends like these must not be merged.
    GraphBuilder b = GraphBuilder.create("g");
    Value max = b.ints(Long.MAX_VALUE);
    Value almost = b.ints(Long.MAX_VALUE - 1);
    assertNotSame(max, almost);
    assertEquals(Long.MAX_VALUE - 1, almost.constant().toLongs()[0]);
  }

  @Test
  void positiveAndNegativeZeroAreDifferentConstants() {
    GraphBuilder b = GraphBuilder.create("g");
    assertNotSame(b.scalar(ElementType.DOUBLE, 0.0), b.scalar(ElementType.DOUBLE, -0.0));
  }

  @Test
  void outputNameTakenByAnotherValueFails() {
    GraphBuilder b = GraphBuilder.create("g");
    Value loss = b.input("loss", ElementType.FLOAT, 1);
    Value y = b.neg(loss);
    GraphException e = assertThrows(GraphException.class, () -> b.output(y, "loss"));
    assertTrue(e.getMessage().contains("'loss'"), e.getMessage());
    assertEquals("y", b.output(y, "y").name());
  }

  @Test
  void attributeOfTheWrongKindNamesIt() {
    Attributes a = Attributes.of("axis", 1.5);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> a.getInt("axis", 0));
    assertTrue(e.getMessage().contains("'axis'"), e.getMessage());
    assertTrue(e.getMessage().contains("Float"), e.getMessage());
  }

  @Test
  void concatWithoutAxisSaysSo() {
    GraphBuilder b = GraphBuilder.create("g");
    Value x = b.input("x", ElementType.FLOAT, 2);
    GraphException e =
        assertThrows(GraphException.class, () -> b.apply(Concat.OP, Attributes.none(), x, x));
    assertTrue(e.getMessage().contains("needs an 'axis' attribute"), e.getMessage());
  }

  @Test
  void splitWithRunTimeSizesKnowsItsPartCount() {
    GraphBuilder b = GraphBuilder.create("g");
    Value x = b.input("x", ElementType.FLOAT, "n", 3);
    Value sizes = b.concat(0, b.ints(1), b.gather(b.shape(x), b.ints(0), 0));
    List<Value> parts = b.split(x, 0, sizes);
    assertEquals(2, parts.size());
    assertEquals(Dim.of(3), parts.get(1).shape().dim(1));
    assertTrue(!parts.get(1).shape().dim(0).isKnown());
  }

  @Test
  void shapeInferenceFollowsSymbolicDims() {
    GraphBuilder b = GraphBuilder.create("g");
    Value x = b.input("x", ElementType.FLOAT, "batch", "seq", 8);
    assertEquals(
        Shape.of(Dim.symbol("batch"), Dim.symbol("seq"), Dim.of(2), Dim.of(4)),
        b.reshape(x, 0, 0, 2, 4).shape());
    assertEquals(
        Shape.of(Dim.symbol("seq"), Dim.symbol("batch"), Dim.of(8)),
        b.transpose(x, 1, 0, 2).shape());
    assertEquals(x.shape(), b.add(x, b.input("bias", ElementType.FLOAT, 8)).shape());
    assertEquals(
        x.shape(), b.slice(x, new long[] {0}, new long[] {Long.MAX_VALUE}, new long[] {1}).shape());
  }
}
