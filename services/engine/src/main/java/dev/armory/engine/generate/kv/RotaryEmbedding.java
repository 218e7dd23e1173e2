package dev.armory.engine.generate.kv;

import dev.armory.engine.graph.Attributes;
import dev.armory.engine.graph.Value;
import dev.armory.engine.graph.ValueType;
import java.util.List;

/**
 * ONNX Runtime's {@code com.microsoft.RotaryEmbedding}: rotates x [B, S, N·D] (rotate-half layout
 * with interleaved=0) at position_ids [B, S] with cos_cache, sin_cache [positions, D/2].
 */
final class RotaryEmbedding extends ContribOp {
  static final RotaryEmbedding OP = new RotaryEmbedding();

  private RotaryEmbedding() {}

  @Override
  public String type() {
    return "RotaryEmbedding";
  }

  static Attributes attributes(int heads) {
    return Attributes.of("interleaved", 0L, "num_heads", (long) heads);
  }

  @Override
  public List<ValueType> infer(List<Value> inputs, Attributes at) {
    Value x = input(inputs, 0, type(), "input");
    input(inputs, 1, type(), "position_ids");
    input(inputs, 2, type(), "cos_cache");
    input(inputs, 3, type(), "sin_cache");
    requireRank(x, 3, type(), "input");
    return List.of(ValueType.of(x.type(), x.shape()));
  }
}
