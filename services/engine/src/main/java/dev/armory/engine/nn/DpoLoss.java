package dev.armory.engine.nn;

import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.GraphException;
import dev.armory.engine.graph.TensorData;
import dev.armory.engine.graph.Value;

/**
 * Direct Preference Optimization's loss as graph ops (Rafailov et al. 2023), with conservative
 * DPO's label smoothing. For pair k with policy and reference sequence log-probs of the chosen (c)
 * and rejected (r) completions, the implicit rewards are {@code β·(log π − log π_ref)} and
 *
 * <pre>
 *   h_k  = β·[(log π(c) − log π_ref(c)) − (log π(r) − log π_ref(r))]
 *   loss = mean_k( −(1−ε)·log σ(h_k) − ε·log σ(−h_k) )
 * </pre>
 *
 * computed from a log-softmax over {@code [h, 0]}, which is stable for any h. With ε = 0 this is
 * plain DPO; at h = 0 (policy equal to the reference) it is log 2 whatever ε.
 */
public final class DpoLoss {
  private DpoLoss() {}

  /**
   * The built values.
   *
   * @param loss scalar mean loss over the pairs
   * @param chosenRewards [P] β·(log π(c) − log π_ref(c)) per pair
   * @param rejectedRewards [P] β·(log π(r) − log π_ref(r)) per pair
   */
  public record Outputs(Value loss, Value chosenRewards, Value rejectedRewards) {}

  /**
   * Builds the loss from sequence log-probs laid out as DPO batches are: rows {@code 0..P-1} hold
   * the chosen completions, rows {@code P..2P-1} the rejected ones in the same pair order.
   *
   * @param policyLogProbs [2P] log π of each row (differentiable)
   * @param referenceLogProbs [2P] log π_ref of each row (a graph input: constants of the step)
   * @param beta β &gt; 0, how far from the reference the policy may move (0.1 is usual)
   * @param labelSmoothing ε in [0, 0.5): the assumed probability that a preference label is flipped
   */
  public static Outputs build(
      GraphBuilder b,
      Value policyLogProbs,
      Value referenceLogProbs,
      double beta,
      double labelSmoothing) {
    if (!(beta > 0) || Double.isInfinite(beta)) {
      throw new IllegalArgumentException("DPO beta must be a positive number, got " + beta);
    }
    if (!(labelSmoothing >= 0 && labelSmoothing < 0.5)) {
      throw new IllegalArgumentException(
          "DPO label smoothing must be in [0, 0.5), got " + labelSmoothing);
    }
    if (policyLogProbs.rank() != 1 || referenceLogProbs.rank() != 1) {
      throw new GraphException(
          "DPO needs [2P] sequence log-probs (chosen rows, then rejected rows), got policy "
              + policyLogProbs
              + " and reference "
              + referenceLogProbs);
    }
    try (var s = b.scope("dpo")) {
      // The difference per row first: two nearby sums of hundreds of log-probs lose less this way.
      Value logRatios = b.sub(policyLogProbs, referenceLogProbs); // [2P]
      Value rewards = b.mul(logRatios, b.scalarLike(logRatios, beta)); // [2P]
      Value byKind = b.reshape(rewards, 2, -1); // [2, P]: chosen row, rejected row
      Value chosen = b.squeeze(b.slice(byKind, new long[] {0}, new long[] {1}, new long[] {0}), 0);
      Value rejected =
          b.squeeze(b.slice(byKind, new long[] {1}, new long[] {2}, new long[] {0}), 0);
      Value h = b.sub(chosen, rejected); // [P]
      // log σ(h) and log σ(−h) are the two entries of log softmax([h, 0]): stable for any h, and
      // (unlike relu/abs forms of softplus) with the exact slope at h = 0, where every run starts.
      Value pair = b.concat(-1, b.unsqueeze(h, -1), b.unsqueeze(b.zerosLike(h), -1)); // [P, 2]
      Value logSigmoids = b.logSoftmax(pair, -1); // [P, 2]: log σ(h), log σ(−h)
      double[] w = {-(1 - labelSmoothing), -labelSmoothing};
      Value weights =
          b.constant(
              h.type() == ElementType.DOUBLE
                  ? TensorData.ofDoubles(new long[] {2}, w)
                  : TensorData.ofFloatsAs(h.type(), new long[] {2}, (float) w[0], (float) w[1]));
      Value perPair = b.reduceSum(b.mul(logSigmoids, weights), false, 1); // [P]
      return new Outputs(b.reduceMean(perPair, false), chosen, rejected);
    }
  }
}
