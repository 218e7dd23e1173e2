package dev.armory.engine.generate.kv;

import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.TensorData;
import dev.armory.engine.graph.Value;
import dev.armory.engine.nn.Attention;
import java.util.List;

/**
 * Rotary embedding of the new tokens' queries and keys at their position ids, outside the attention
 * kernel: with standard ops (nn.Attention.applyRotary) or ONNX Runtime's RotaryEmbedding. Holds the
 * model's tables: [positions, D] for standard ops, their first halves [positions, D/2] as the
 * contrib ops' caches.
 */
final class KvRotary {
  private final GraphBuilder b;
  private final int headSize;
  private final boolean contrib;
  private final Value positionIds;
  private Value cos; // [B, T, D], standard ops
  private Value sin;
  private Value cosHalf; // [positions, D/2], created on first use (unused initializers fail)
  private Value sinHalf;
  private final float[][] tables;
  private final int positions;

  /**
   * @param tables cos and sin [positions · D] (rotate-half layout, both halves equal)
   */
  KvRotary(
      GraphBuilder b,
      float[][] tables,
      int positions,
      int headSize,
      boolean contrib,
      Value positionIds) {
    this.b = b;
    this.tables = tables;
    this.positions = positions;
    this.headSize = headSize;
    this.contrib = contrib;
    this.positionIds = positionIds;
  }

  /** The [positions, D/2] cos and sin caches the contrib kernels take. */
  List<Value> caches() {
    if (cosHalf == null) {
      cosHalf = b.initializer("rope.cos_cache", half(tables[0]));
      sinHalf = b.initializer("rope.sin_cache", half(tables[1]));
    }
    return List.of(cosHalf, sinHalf);
  }

  /** x [B, T, N·D] rotated per head at the position ids. */
  Value rotate(Value x, int heads) {
    if (contrib) {
      List<Value> cs = caches();
      return b.apply(
          RotaryEmbedding.OP,
          RotaryEmbedding.attributes(heads),
          x,
          positionIds,
          cs.get(0),
          cs.get(1));
    }
    if (cos == null) {
      long[] shape = {positions, headSize};
      Value cosTable =
          b.initializer("rope.cos", TensorData.ofFloatsAs(ElementType.FLOAT, shape, tables[0]));
      Value sinTable =
          b.initializer("rope.sin", TensorData.ofFloatsAs(ElementType.FLOAT, shape, tables[1]));
      List<Value> cs = Attention.rotaryAt(b, cosTable, sinTable, positionIds); // [B,T,D]
      cos = b.unsqueeze(cs.get(0), 2); // [B,T,1,D]
      sin = b.unsqueeze(cs.get(1), 2);
    }
    Value x4 = b.reshape(x, 0, 0, heads, headSize); // [B,T,N,D]
    return b.reshape(Attention.applyRotary(b, x4, cos, sin), 0, 0, (long) heads * headSize);
  }

  private TensorData half(float[] table) {
    int h = headSize / 2;
    float[] out = new float[positions * h];
    for (int p = 0; p < positions; p++) {
      System.arraycopy(table, p * headSize, out, p * h, h);
    }
    return TensorData.ofFloatsAs(ElementType.FLOAT, new long[] {positions, h}, out);
  }
}
