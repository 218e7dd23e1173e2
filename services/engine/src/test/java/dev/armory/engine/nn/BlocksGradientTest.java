package dev.armory.engine.nn;

import static dev.armory.engine.autodiff.GradCheck.Input.fixed;
import static dev.armory.engine.autodiff.GradCheck.Input.trainable;
import static dev.armory.engine.autodiff.GradCheck.uniform;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.engine.autodiff.GradCheck;
import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.TensorData;
import dev.armory.engine.graph.Value;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/** Gradient checks (float64, central differences) through the composite building blocks. */
class BlocksGradientTest {
  static void check(
      String what, BiFunction<GraphBuilder, List<Value>, Value> f, GradCheck.Input... in) {
    GradCheck.Report r = GradCheck.check(f, in);
    System.out.printf("%-34s relative error %.2e%n", what, r.worst());
    assertTrue(r.worst() <= 1e-6, what + ": " + r.relativeError());
  }

  @Test
  void rmsNorm() {
    check(
        "RMSNorm (x and weight)",
        (b, v) -> Norms.rmsNorm(b, v.get(0), v.get(1), 1e-5),
        trainable("x", new long[] {2, 3, 8}, uniform(1, 48, -2, 2)),
        trainable("w", new long[] {8}, uniform(2, 8, 0.5, 1.5)));
  }

  @Test
  void layerNorm() {
    check(
        "LayerNorm (x, weight, bias)",
        (b, v) -> Norms.layerNorm(b, v.get(0), v.get(1), v.get(2), 1e-5),
        trainable("x", new long[] {2, 3, 8}, uniform(1, 48, -2, 2)),
        trainable("w", new long[] {8}, uniform(2, 8, 0.5, 1.5)),
        trainable("bias", new long[] {8}, uniform(3, 8, -0.5, 0.5)));
  }

  @Test
  void activations() {
    check(
        "SiLU",
        (b, v) -> Activations.silu(b, v.get(0)),
        trainable("x", new long[] {2, 5}, uniform(1, 10, -3, 3)));
    check(
        "gelu_new",
        (b, v) -> Activations.geluTanh(b, v.get(0)),
        trainable("x", new long[] {2, 5}, uniform(2, 10, -3, 3)));
  }

  @Test
  void groupedQueryAttentionWithRotaryAndPadding() {
    int batch = 2, seq = 4, heads = 4, kvHeads = 2, headDim = 4;
    long[] qShape = {batch, seq, heads * headDim};
    long[] kvShape = {batch, seq, kvHeads * headDim};
    float[][] cs = RotaryTables.cosSin(8, headDim, 10000, null);
    check(
        "GQA attention + RoPE + padding mask",
        (b, v) -> {
          Value mask =
              Attention.causalMask(
                  b,
                  b.constant(TensorData.ofLongs(new long[] {batch, seq}, 0, 1, 1, 1, 1, 1, 1, 0)),
                  0);
          Value positions =
              b.constant(TensorData.ofLongs(new long[] {batch, seq}, 0, 0, 1, 2, 0, 1, 2, 3));
          Value cos =
              b.cast(
                  b.gather(
                      b.initializer("cos", TensorData.ofFloats(new long[] {8, headDim}, cs[0])),
                      positions,
                      0),
                  ElementType.DOUBLE);
          Value sin =
              b.cast(
                  b.gather(
                      b.initializer("sin", TensorData.ofFloats(new long[] {8, headDim}, cs[1])),
                      positions,
                      0),
                  ElementType.DOUBLE);
          return Attention.groupedQuery(
              b, v.get(0), v.get(1), v.get(2), mask, heads, kvHeads, headDim, cos, sin);
        },
        trainable("q", qShape, uniform(1, 128, -1, 1)),
        trainable("k", kvShape, uniform(2, 64, -1, 1)),
        trainable("v", kvShape, uniform(3, 64, -1, 1)));
  }

  @Test
  void slidingWindowAttention() {
    int batch = 1, seq = 5, heads = 2, headDim = 2;
    long[] shape = {batch, seq, heads * headDim};
    check(
        "attention with sliding window 2",
        (b, v) -> {
          Value mask =
              Attention.causalMask(
                  b, b.constant(TensorData.ofLongs(new long[] {1, seq}, 1, 1, 1, 1, 1)), 2);
          return Attention.groupedQuery(
              b, v.get(0), v.get(1), v.get(2), mask, heads, heads, headDim, null, null);
        },
        trainable("q", shape, uniform(1, 20, -1, 1)),
        fixed("k", shape, uniform(2, 20, -1, 1)),
        trainable("v", shape, uniform(3, 20, -1, 1)));
  }
}
