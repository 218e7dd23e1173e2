package dev.armory.engine.generate.kv;

import dev.armory.engine.graph.Attributes;
import dev.armory.engine.graph.Value;
import dev.armory.engine.graph.ValueType;
import dev.armory.engine.graph.op.Op;
import java.util.List;

/**
 * ONNX Runtime's {@code SimplifiedLayerNormalization} (RMSNorm: x / √(mean(x²) + ε) · scale over
 * the last axis). ONNX Runtime registers it in the default ONNX domain, version 1.
 */
final class SimplifiedLayerNormalization implements Op {
  static final SimplifiedLayerNormalization OP = new SimplifiedLayerNormalization();

  private SimplifiedLayerNormalization() {}

  @Override
  public String type() {
    return "SimplifiedLayerNormalization";
  }

  static Attributes attributes(double epsilon) {
    return Attributes.of("axis", -1L, "epsilon", (float) epsilon);
  }

  @Override
  public List<ValueType> infer(List<Value> inputs, Attributes at) {
    Value x = ContribOp.input(inputs, 0, type(), "X");
    ContribOp.input(inputs, 1, type(), "scale");
    return List.of(ValueType.of(x.type(), x.shape()));
  }
}
