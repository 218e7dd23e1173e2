package dev.armory.engine.peft;

import dev.armory.engine.autodiff.Autodiff;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Value;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntPredicate;

/**
 * Gradients of the loss with respect to LoRA factors, from the autodiff graph and from central
 * differences on the same float64 graph, compared normwise: max |analytic − numeric| / max
 * |numeric| over a few coordinates of A and B of every module in the selected layers.
 */
final class LoraGradientCheck {
  private LoraGradientCheck() {}

  /** Fills every B with uniform noise so the gradient of A is not zero. */
  static void randomiseB(LoraAdapter adapter, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    for (LoraAdapter.Module m : adapter.modules()) {
      for (int i = 0; i < m.b().capacity(); i++) {
        m.b().put(i, (float) (r.nextDouble() - 0.5));
      }
    }
  }

  /**
   * The normwise relative error for a float64 training graph whose LoRA factors are inputs (built
   * by the caller with a "loss" output), over modules of the layers {@code layers} accepts.
   */
  static double relativeError(GraphBuilder b, LoraAdapter adapter, IntPredicate layers) {
    List<Value> params =
        b.graph().inputs().stream().filter(v -> v.name().contains("lora_")).toList();
    Map<Value, Value> grads = Autodiff.gradients(b, b.graph().value("loss"), params);
    List<String> outs = new ArrayList<>(List.of("loss"));
    for (Value p : params) {
      outs.add(b.output(grads.get(p), "grad." + p.name()).name());
    }
    Map<String, double[]> at = LoraTest.runDouble(b, adapter, outs, true);
    double maxDiff = 0;
    double maxGrad = 0;
    for (LoraAdapter.Module m : adapter.modules()) {
      if (!layers.test(m.target().layer())) {
        continue;
      }
      for (boolean isA : new boolean[] {true, false}) {
        FloatBuffer buf = isA ? m.a() : m.b();
        double[] analytic = at.get("grad." + (isA ? m.aKey() : m.bKey()));
        for (int k = 0; k < 2; k++) {
          int i = (k * 7919 + 13) % buf.capacity();
          float orig = buf.get(i);
          // A float step, so the fed values are exactly what the quotient divides by.
          float h = 1f / 65536;
          buf.put(i, orig + h);
          double plus = LoraTest.runDouble(b, adapter, List.of("loss"), true).get("loss")[0];
          buf.put(i, orig - h);
          double minus = LoraTest.runDouble(b, adapter, List.of("loss"), true).get("loss")[0];
          buf.put(i, orig);
          double numeric = (plus - minus) / (((double) (orig + h)) - ((double) (orig - h)));
          maxDiff = Math.max(maxDiff, Math.abs(numeric - analytic[i]));
          maxGrad = Math.max(maxGrad, Math.abs(numeric));
        }
      }
    }
    return maxDiff / maxGrad;
  }
}
