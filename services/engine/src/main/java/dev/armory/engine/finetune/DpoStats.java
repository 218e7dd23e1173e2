package dev.armory.engine.finetune;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * DPO's figures over a batch of pairs, from policy and reference sequence log-probs laid out as in
 * a {@link DpoBatch} (chosen rows, then rejected rows), in double precision.
 *
 * @param loss mean of −(1−ε)·log σ(h) − ε·log σ(−h) over pairs
 * @param chosenReward mean β·(log π(c) − log π_ref(c))
 * @param rejectedReward mean β·(log π(r) − log π_ref(r))
 * @param accuracy fraction of pairs whose chosen reward exceeds the rejected one (a tie counts
 *     half, so a policy equal to the reference scores 0.5, not 0)
 * @param margin mean chosen − rejected reward
 * @param pairs number of pairs
 */
public record DpoStats(
    double loss,
    double chosenReward,
    double rejectedReward,
    double accuracy,
    double margin,
    int pairs) {

  /** Metric names in metrics.jsonl, progress and the plot. */
  public static final String REWARDS_CHOSEN = "rewards/chosen";

  public static final String REWARDS_REJECTED = "rewards/rejected";
  public static final String REWARDS_ACCURACY = "rewards/accuracy";
  public static final String REWARDS_MARGIN = "rewards/margin";

  /** The figures of one batch. */
  public static DpoStats of(float[] policy, float[] reference, double beta, double labelSmoothing) {
    if (policy.length != reference.length || policy.length % 2 != 0) {
      throw new IllegalArgumentException(
          "DPO log-probs come in chosen/rejected halves of equal length, got "
              + policy.length
              + " policy and "
              + reference.length
              + " reference values");
    }
    int p = policy.length / 2;
    double loss = 0;
    double chosen = 0;
    double rejected = 0;
    double correct = 0;
    for (int k = 0; k < p; k++) {
      double c = beta * ((double) policy[k] - reference[k]);
      double r = beta * ((double) policy[k + p] - reference[k + p]);
      double h = c - r;
      loss += -(1 - labelSmoothing) * logSigmoid(h) - labelSmoothing * logSigmoid(-h);
      chosen += c;
      rejected += r;
      correct += c > r ? 1 : c == r ? 0.5 : 0;
    }
    return new DpoStats(
        loss / p, chosen / p, rejected / p, correct / p, (chosen - rejected) / p, p);
  }

  /** log σ(x), stable for any x. */
  static double logSigmoid(double x) {
    return x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
  }

  /** The reward figures by metric name, in a fixed order. */
  public Map<String, Double> metrics() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put(REWARDS_CHOSEN, chosenReward);
    m.put(REWARDS_REJECTED, rejectedReward);
    m.put(REWARDS_ACCURACY, accuracy);
    m.put(REWARDS_MARGIN, margin);
    return m;
  }
}
