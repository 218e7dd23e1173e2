package dev.armory.engine.graph.op;

import dev.armory.engine.graph.Attributes;
import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.Shape;
import dev.armory.engine.graph.Value;
import dev.armory.engine.graph.ValueType;
import java.util.List;

/**
 * Elementwise logical shift of unsigned integers by per-element amounts ({@code direction} LEFT or
 * RIGHT), broadcast numpy-style. Used to unpack 4-bit codes. Non-differentiable.
 */
public final class BitShift implements Op {
  public static final BitShift OP = new BitShift();

  private BitShift() {}

  @Override
  public String type() {
    return "BitShift";
  }

  @Override
  public List<ValueType> infer(List<Value> inputs, Attributes at) {
    Infer.requireCount(inputs, 2, 2, "BitShift");
    Value x = Infer.input(inputs, 0, "BitShift");
    Value amount = Infer.input(inputs, 1, "BitShift");
    Infer.requireSameType(x, amount, "BitShift");
    if (x.type() != ElementType.UINT8) {
      // ONNX allows uint16..uint64 too; Armory's element types hold only uint8 among them.
      throw new IllegalArgumentException("BitShift needs uint8 inputs, got " + x);
    }
    String direction = at.getString("direction", null);
    if (!"LEFT".equals(direction) && !"RIGHT".equals(direction)) {
      throw new IllegalArgumentException(
          "BitShift needs attribute direction LEFT or RIGHT, got " + direction);
    }
    return Infer.one(x.type(), Shape.broadcast(x.shape(), amount.shape()));
  }
}
