package dev.armory.engine.nn;

import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Value;

/** Token-level cross-entropy over vocabulary logits, with an ignore index. */
public final class CrossEntropy {
  private CrossEntropy() {}

  /**
   * Mean of −log softmax(logits)[label] over positions whose label is not {@code ignoreIndex}; 0
   * when no position counts. logits [B, T, V] float, labels [B, T] int64. Stable (log-softmax) and
   * differentiable with respect to the logits.
   */
  public static Value loss(GraphBuilder b, Value logits, Value labels, long ignoreIndex) {
    try (var s = b.scope("cross_entropy")) {
      Value ignored =
          b.equal(
              labels,
              b.constant(dev.armory.engine.graph.TensorData.ofLongs(new long[0], ignoreIndex)));
      Value safeLabels =
          b.where(
              ignored,
              b.constant(dev.armory.engine.graph.TensorData.ofLongs(new long[0], 0)),
              labels);
      Value logProbs = b.logSoftmax(logits, -1);
      Value picked =
          b.squeeze(b.gatherElements(logProbs, b.unsqueeze(safeLabels, -1), -1), -1); // [B,T]
      Value counted = b.cast(b.not(ignored), logits.type());
      Value total = b.reduceSum(b.mul(picked, counted), false);
      Value count = b.max(b.reduceSum(counted, false), b.scalarLike(counted, 1.0));
      return b.neg(b.div(total, count));
    }
  }
}
