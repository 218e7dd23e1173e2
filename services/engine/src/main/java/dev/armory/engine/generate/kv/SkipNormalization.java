package dev.armory.engine.generate.kv;

import dev.armory.engine.graph.Attributes;
import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.Shape;
import dev.armory.engine.graph.Value;
import dev.armory.engine.graph.ValueType;
import java.util.List;

/**
 * ONNX Runtime's {@code com.microsoft.SkipSimplifiedLayerNormalization} (RMSNorm) and {@code
 * SkipLayerNormalization}: normalise input + skip in one kernel. Outputs: 0 the normalised sum, 1
 * and 2 statistics (unused here), 3 the sum itself (the residual stream).
 */
final class SkipNormalization extends ContribOp {
  static final SkipNormalization RMS = new SkipNormalization("SkipSimplifiedLayerNormalization");
  static final SkipNormalization LAYER = new SkipNormalization("SkipLayerNormalization");

  /** Index of the input + skip output. */
  static final int SUM_OUTPUT = 3;

  private final String type;

  private SkipNormalization(String type) {
    this.type = type;
  }

  @Override
  public String type() {
    return type;
  }

  static Attributes attributes(double epsilon) {
    return Attributes.of("epsilon", (float) epsilon);
  }

  @Override
  public List<ValueType> infer(List<Value> inputs, Attributes at) {
    Value x = input(inputs, 0, type, "input");
    Value skip = input(inputs, 1, type, "skip");
    input(inputs, 2, type, "gamma");
    requireRank(x, 3, type, "input");
    if (!x.shape().equals(skip.shape())) {
      // Both [B, S, C]; the kernel also broadcasts a [S, C] skip, which these graphs never use.
      if (skip.rank() != 3) {
        throw new IllegalArgumentException(
            type + " needs input and skip of one shape, got " + x + ", " + skip);
      }
    }
    Shape stats = x.shape().sub(0, 2).concat(Shape.of(1));
    return List.of(
        ValueType.of(x.type(), x.shape()),
        ValueType.of(ElementType.FLOAT, stats),
        ValueType.of(ElementType.FLOAT, stats),
        ValueType.of(x.type(), x.shape()));
  }
}
