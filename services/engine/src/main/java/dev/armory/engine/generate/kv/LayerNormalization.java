package dev.armory.engine.generate.kv;

import dev.armory.engine.graph.Attributes;
import dev.armory.engine.graph.Value;
import dev.armory.engine.graph.ValueType;
import dev.armory.engine.graph.op.Op;
import java.util.List;

/** ONNX's standard {@code LayerNormalization} (opset 17) over the last axis, one output. */
final class LayerNormalization implements Op {
  static final LayerNormalization OP = new LayerNormalization();

  private LayerNormalization() {}

  @Override
  public String type() {
    return "LayerNormalization";
  }

  static Attributes attributes(double epsilon) {
    return Attributes.of("axis", -1L, "epsilon", (float) epsilon);
  }

  @Override
  public List<ValueType> infer(List<Value> inputs, Attributes at) {
    Value x = ContribOp.input(inputs, 0, type(), "X");
    ContribOp.input(inputs, 1, type(), "Scale");
    return List.of(ValueType.of(x.type(), x.shape()));
  }
}
