package dev.armory.engine.nn;

import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Value;

/** Activation functions written with standard ops. */
public final class Activations {
  private Activations() {}

  /** SiLU (swish): x · σ(x). */
  public static Value silu(GraphBuilder b, Value x) {
    return b.mul(x, b.sigmoid(x));
  }

  /** GPT-2's gelu_new, the tanh approximation: ½x(1 + tanh(√(2/π)(x + 0.044715x³))). */
  public static Value geluTanh(GraphBuilder b, Value x) {
    Value cube = b.mul(b.mul(x, x), x);
    Value inner =
        b.mul(
            b.scalarLike(x, Math.sqrt(2.0 / Math.PI)),
            b.add(x, b.mul(b.scalarLike(x, 0.044715), cube)));
    return b.mul(b.mul(b.scalarLike(x, 0.5), x), b.add(b.scalarLike(x, 1.0), b.tanh(inner)));
  }
}
