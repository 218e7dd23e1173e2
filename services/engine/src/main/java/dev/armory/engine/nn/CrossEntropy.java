package dev.armory.engine.nn;

import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.GraphException;
import dev.armory.engine.graph.TensorData;
import dev.armory.engine.graph.Value;

/** Token-level cross-entropy over vocabulary logits, with an ignore index, as graph ops. */
public final class CrossEntropy {
  private CrossEntropy() {}

  /**
   * The mean of −log softmax(logits)[label] over the positions whose label is not {@code
   * ignoreIndex} (prompt and padding tokens), or 0 when no position counts. logits [B, T, V]
   * floating (any leading dims work: [..., V]), labels [B, T] int64 in [0, V) or {@code
   * ignoreIndex}. Numerically stable (log-softmax, never log of a softmax) and differentiable with
   * respect to the logits; ignored positions contribute exactly zero to the value and the gradient,
   * even where their logits hold −∞ from vocabulary masking.
   */
  public static Value loss(GraphBuilder b, Value logits, Value labels, long ignoreIndex) {
    check(logits, labels);
    try (var s = b.scope("cross_entropy")) {
      Value ignored = ignored(b, labels, ignoreIndex);
      Value nll = b.neg(labelLogProbs(b, logits, labels, ignored)); // [B, T]
      Value total = b.reduceSum(nll, false);
      Value counted = b.reduceSum(b.cast(b.not(ignored), logits.type()), false);
      Value denominator = b.max(counted, b.scalarLike(logits, 1.0)); // all ignored: 0 / 1
      return b.div(total, denominator);
    }
  }

  /**
   * Per row, the sum of log softmax(logits)[label] over the positions whose label is not {@code
   * ignoreIndex}: the log-probability of a sequence's scored tokens (DPO's log π(y|x) when only
   * completion tokens carry labels); 0 for a row without labels. logits [B, T, V] floating, labels
   * [B, T] int64; returns [B]. Stable and differentiable as {@link #loss}.
   */
  public static Value sequenceLogProbs(
      GraphBuilder b, Value logits, Value labels, long ignoreIndex) {
    check(logits, labels);
    if (labels.rank() != 2) {
      throw new GraphException(
          "sequence log-probs need [B, T] labels and [B, T, V] logits, got logits "
              + logits
              + " and labels "
              + labels);
    }
    try (var s = b.scope("sequence_logprobs")) {
      Value ignored = ignored(b, labels, ignoreIndex);
      return b.reduceSum(labelLogProbs(b, logits, labels, ignored), false, 1); // [B]
    }
  }

  private static Value ignored(GraphBuilder b, Value labels, long ignoreIndex) {
    return b.equal(labels, b.constant(TensorData.ofLongs(new long[0], ignoreIndex)));
  }

  /** log softmax(logits)[label] per position, exactly 0 where the label is ignored. [B, T] */
  private static Value labelLogProbs(GraphBuilder b, Value logits, Value labels, Value ignored) {
    // Ignored positions read class 0 so GatherElements stays in range; Where drops them below.
    Value safeLabels =
        b.where(ignored, b.constant(TensorData.ofLongs(new long[0], 0)), labels); // [B, T]
    Value logProbs = b.logSoftmax(logits, -1); // [B, T, V]
    Value picked =
        b.squeeze(b.gatherElements(logProbs, b.unsqueeze(safeLabels, -1), -1), -1); // [B, T]
    // Where, not a multiply by the mask: 0 · (−∞) would be NaN for a masked-out class 0.
    return b.where(ignored, b.scalarLike(logits, 0.0), picked);
  }

  private static void check(Value logits, Value labels) {
    if (!logits.type().isFloating()) {
      throw new GraphException("cross-entropy logits must be floating-point, got " + logits);
    }
    if (labels.type() != ElementType.INT64) {
      throw new GraphException(
          "cross-entropy labels must be int64 token ids, got " + labels + "; cast them first");
    }
    if (labels.rank() != logits.rank() - 1) {
      throw new GraphException(
          "cross-entropy labels must have one dim fewer than the logits ([B, T] for [B, T, V]),"
              + " got logits "
              + logits
              + " and labels "
              + labels);
    }
  }
}
