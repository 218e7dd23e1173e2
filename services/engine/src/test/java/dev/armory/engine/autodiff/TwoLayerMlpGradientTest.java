package dev.armory.engine.autodiff;

import static dev.armory.engine.autodiff.GradCheck.Input.fixed;
import static dev.armory.engine.autodiff.GradCheck.Input.trainable;
import static dev.armory.engine.autodiff.GradCheck.uniform;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.Graph;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Node;
import dev.armory.engine.graph.Shape;
import dev.armory.engine.graph.TensorData;
import dev.armory.engine.graph.Value;
import dev.armory.engine.nn.CrossEntropy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * x → Linear(W1, b1) → tanh or relu → Linear(W2, b2) → logits → cross-entropy, with frozen and
 * trainable weights: gradients match finite differences, and the backward graph holds nothing for
 * the frozen part (the point of PEFT: frozen base weights cost nothing in the backward pass).
 */
class TwoLayerMlpGradientTest {
  static final long B = 2, T = 3, IN = 4, HIDDEN = 5, VOCAB = 6;
  static final long[] LABELS = {1, 5, -100, 0, 2, 3}; // one ignored position
  static final ElementType F64 = ElementType.DOUBLE;

  static Value weight(GraphBuilder b, String name, long seed, long... shape) {
    int n = 1;
    for (long d : shape) {
      n *= (int) d;
    }
    return b.initializer(name, TensorData.ofDoubles(shape, uniform(seed, n, -1, 1)));
  }

  static Value labels(GraphBuilder b) {
    return b.constant(TensorData.ofLongs(new long[] {B, T}, LABELS));
  }

  static Value firstLayer(GraphBuilder b, Value x, Value w1, Value b1, boolean relu) {
    try (var s = b.scope("layer1")) {
      Value pre = b.add(b.matmul(x, w1), b1);
      return relu ? b.relu(pre) : b.tanh(pre);
    }
  }

  /** Second layer and loss: the part a frozen first layer leaves to differentiate. */
  static Value secondLayerLoss(GraphBuilder b, Value h, Value w2, Value b2) {
    Value logits;
    try (var s = b.scope("layer2")) {
      logits = b.add(b.matmul(h, w2), b2);
    }
    return CrossEntropy.loss(b, logits, labels(b), -100);
  }

  static List<Node> backwardNodes(Graph g) {
    return g.nodes().stream().filter(n -> n.name().startsWith("grad/")).toList();
  }

  @ParameterizedTest(name = "relu={0}")
  @ValueSource(booleans = {false, true})
  void frozenFirstLayerTrainableSecondLayer(boolean relu) {
    GradCheck.Report r =
        GradCheck.check(
            (b, v) -> {
              Value w1 = weight(b, "layer1.weight", 11, IN, HIDDEN);
              Value b1 = weight(b, "layer1.bias", 12, HIDDEN);
              return secondLayerLoss(b, firstLayer(b, v.get(0), w1, b1, relu), v.get(1), v.get(2));
            },
            fixed("x", new long[] {B, T, IN}, uniform(1, (int) (B * T * IN), -1, 1)),
            trainable("w2", new long[] {HIDDEN, VOCAB}, uniform(2, (int) (HIDDEN * VOCAB), -1, 1)),
            trainable("b2", new long[] {VOCAB}, uniform(3, (int) VOCAB, -0.5, 0.5)));
    System.out.printf(
        "MLP (%s, W1 frozen) d/dW2, d/db2: relative error %.2e %s%n",
        relu ? "relu" : "tanh", r.worst(), r.relativeError());
    assertTrue(r.worst() <= 1e-6, r.relativeError().toString());
    assertNoBackwardForFirstLayer(r.graph(), r.graph().value("layer1.weight"));
  }

  @Test
  void onlyFirstLayerTrainableGradientReachesThroughTheSecond() {
    GradCheck.Report r =
        GradCheck.check(
            (b, v) -> {
              Value b1 = weight(b, "layer1.bias", 12, HIDDEN);
              Value w2 = weight(b, "layer2.weight", 13, HIDDEN, VOCAB);
              Value b2 = weight(b, "layer2.bias", 14, VOCAB);
              return secondLayerLoss(b, firstLayer(b, v.get(0), v.get(1), b1, false), w2, b2);
            },
            fixed("x", new long[] {B, T, IN}, uniform(1, (int) (B * T * IN), -1, 1)),
            trainable("w1", new long[] {IN, HIDDEN}, uniform(2, (int) (IN * HIDDEN), -1, 1)));
    System.out.printf("MLP (only W1 trainable) d/dW1: relative error %.2e%n", r.worst());
    assertTrue(r.worst() <= 1e-6, r.relativeError().toString());
    // No backward node computes dW2 or db2.
    for (Node n : backwardNodes(r.graph())) {
      for (Value out : n.outputs()) {
        assertTrue(
            !out.shape().equals(Shape.of(HIDDEN, VOCAB)) && !out.shape().equals(Shape.of(VOCAB)),
            "backward node " + n + " computes " + out + ", a gradient of frozen layer 2");
      }
    }
  }

  @Test
  void backwardGraphHoldsOnlyWhatTheTrainableSecondLayerNeeds() {
    // The full MLP with W1, b1 frozen (initializers) and W2, b2 trainable...
    GraphBuilder full = GraphBuilder.create("mlp");
    Value x = full.input("x", F64, B, T, IN);
    Value w1 = weight(full, "layer1.weight", 11, IN, HIDDEN);
    Value b1 = weight(full, "layer1.bias", 12, HIDDEN);
    Value w2 = full.input("w2", F64, HIDDEN, VOCAB);
    Value b2 = full.input("b2", F64, VOCAB);
    Value loss = secondLayerLoss(full, firstLayer(full, x, w1, b1, false), w2, b2);
    Map<Value, Value> grads = Autodiff.gradients(full, loss, List.of(w2, b2));
    assertEquals(Shape.of(HIDDEN, VOCAB), grads.get(w2).shape());
    assertEquals(Shape.of(VOCAB), grads.get(b2).shape());
    assertNoBackwardForFirstLayer(full.graph(), w1);

    // ...needs exactly the backward nodes of the second layer alone, fed the hidden activations.
    GraphBuilder alone = GraphBuilder.create("second_layer");
    Value h = alone.input("h", F64, B, T, HIDDEN);
    Value w2a = alone.input("w2", F64, HIDDEN, VOCAB);
    Value b2a = alone.input("b2", F64, VOCAB);
    Autodiff.gradients(alone, secondLayerLoss(alone, h, w2a, b2a), List.of(w2a, b2a));
    int expected = backwardNodes(alone.graph()).size();
    System.out.printf(
        "backward nodes: %d with W1 frozen, %d for the second layer alone%n",
        backwardNodes(full.graph()).size(), expected);
    assertTrue(expected > 0);
    assertEquals(expected, backwardNodes(full.graph()).size());
  }

  /**
   * No backward node computes a value of W1's shape, reads W1 or b1, or belongs to (is named under)
   * a first-layer forward node.
   */
  static void assertNoBackwardForFirstLayer(Graph g, Value w1) {
    List<Node> backward = backwardNodes(g);
    assertTrue(!backward.isEmpty(), "the graph has a backward part");
    for (Node n : backward) {
      assertTrue(
          !n.name().startsWith("grad/layer1/"), "backward node " + n + " is for the frozen layer");
      for (Value out : n.outputs()) {
        assertTrue(
            !out.shape().equals(w1.shape()), "backward node " + n + " computes " + out + " (dW1?)");
      }
      for (Value in : n.inputs()) {
        assertTrue(
            in == null || !in.name().startsWith("layer1."),
            "backward node " + n + " reads frozen " + in);
      }
    }
  }
}
