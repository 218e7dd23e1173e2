package dev.armory.engine.graph.op;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.armory.engine.graph.Dim;
import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.TensorData;
import dev.armory.engine.graph.Value;
import dev.armory.engine.nn.Attention;
import org.junit.jupiter.api.Test;

/** Symbolic extents survive Range(0, Shape(x)[i], 1), so masks keep the sequence symbol. */
class RangeShapeTest {
  @Test
  void rangeOverADimensionKeepsItsSymbol() {
    GraphBuilder b = GraphBuilder.create("range");
    Value x = b.input("x", ElementType.INT64, "batch", "seq");
    Value n = b.gather(b.shape(x), b.constant(TensorData.ofLongs(new long[0], 1)), 0);
    Value r =
        b.range(
            b.constant(TensorData.ofLongs(new long[0], 0)),
            n,
            b.constant(TensorData.ofLongs(new long[0], 1)));
    assertEquals(Dim.symbol("seq"), r.shape().dim(0));
  }

  @Test
  void causalMaskHasTheSequenceSymbol() {
    GraphBuilder b = GraphBuilder.create("mask");
    Value mask =
        Attention.causalMask(b, b.input("attention_mask", ElementType.INT64, "batch", "seq"), 0);
    assertEquals("[batch, 1, 1, seq, seq]", mask.shape().toString());
  }
}
