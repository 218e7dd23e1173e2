package dev.armory.engine.examples;

import dev.armory.engine.autodiff.Autodiff;
import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.Graph;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.TensorData;
import dev.armory.engine.graph.Value;
import dev.armory.engine.nn.CrossEntropy;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A two-layer MLP language-model head in float32: x [batch, seq, 32] → Linear(W1, b1) frozen
 * (initializers; W1 is large enough to go to external data) → tanh → Linear(W2, b2) trainable
 * (inputs) → logits [batch, seq, 16] → cross-entropy against labels (ignore index -100). With
 * gradients, the outputs add dW2 and db2 only: the frozen layer has no backward nodes.
 */
public final class MlpGraph {
  public static final int IN = 32;
  public static final int HIDDEN = 64;
  public static final int VOCAB = 16;
  public static final long IGNORE_INDEX = -100;

  private MlpGraph() {}

  public static Graph build(boolean withGradients) {
    GraphBuilder b = GraphBuilder.create("mlp");
    Value x = b.input("x", ElementType.FLOAT, "batch", "seq", IN);
    Value labels = b.input("labels", ElementType.INT64, "batch", "seq");
    Value w1 = b.initializer("layer1.weight", random(1, IN, HIDDEN)); // [IN, HIDDEN]
    Value b1 = b.initializer("layer1.bias", random(2, HIDDEN)); // [HIDDEN]
    Value w2 = b.input("layer2.weight", ElementType.FLOAT, HIDDEN, VOCAB); // [HIDDEN, VOCAB]
    Value b2 = b.input("layer2.bias", ElementType.FLOAT, VOCAB); // [VOCAB]
    Value h;
    try (var s = b.scope("layer1")) {
      h = b.tanh(b.add(b.matmul(x, w1), b1)); // [batch, seq, HIDDEN]
    }
    Value logits;
    try (var s = b.scope("layer2")) {
      logits = b.output(b.add(b.matmul(h, w2), b2), "logits"); // [batch, seq, VOCAB]
    }
    Value loss = b.output(CrossEntropy.loss(b, logits, labels, IGNORE_INDEX), "loss");
    if (withGradients) {
      Map<Value, Value> g = Autodiff.gradients(b, loss, List.of(w2, b2));
      b.output(g.get(w2), "grad_layer2.weight");
      b.output(g.get(b2), "grad_layer2.bias");
    }
    return b.graph();
  }

  private static TensorData random(long seed, long... shape) {
    int n = 1;
    for (long d : shape) {
      n *= (int) d;
    }
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n];
    float scale = (float) (1 / Math.sqrt(shape[0]));
    for (int i = 0; i < n; i++) {
      v[i] = (float) (2 * r.nextDouble() - 1) * scale;
    }
    return TensorData.ofFloats(shape, v);
  }
}
