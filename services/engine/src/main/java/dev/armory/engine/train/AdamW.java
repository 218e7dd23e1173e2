package dev.armory.engine.train;

import java.nio.FloatBuffer;

/**
 * Adam with decoupled weight decay (Loshchilov &amp; Hutter), bias-corrected, updating parameters
 * in place. Per element, at step t (1-based):
 *
 * <pre>
 *   p ← p − lr·wd·p                       (decay, independent of the gradient)
 *   m ← β1·m + (1−β1)·g                   (first moment)
 *   v ← β2·v + (1−β2)·g²                  (second moment)
 *   p ← p − lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + ε)
 * </pre>
 *
 * This is PyTorch's {@code torch.optim.AdamW} ordering, so its numbers are comparable. The moments
 * live in direct buffers beside the parameters and are saved with every checkpoint.
 */
public final class AdamW {
  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final double weightDecay;
  private final Parameters m; // exp_avg: same names and shapes as the parameters
  private final Parameters v; // exp_avg_sq
  private long step; // updates applied so far

  public AdamW(Parameters params, double beta1, double beta2, double epsilon, double weightDecay) {
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.weightDecay = weightDecay;
    this.m = params.zerosLike();
    this.v = params.zerosLike();
  }

  /** An optimizer with the config's betas, epsilon and weight decay. */
  public static AdamW from(Parameters params, TrainingConfig c) {
    return new AdamW(params, c.adamBeta1(), c.adamBeta2(), c.adamEpsilon(), c.weightDecay());
  }

  /** Applies one update with learning rate {@code lr}; {@code grads} matches {@code params}. */
  public void step(Parameters params, Parameters grads, double lr) {
    step++;
    double bc1 = 1 - Math.pow(beta1, step);
    double bc2 = 1 - Math.pow(beta2, step);
    float decay = (float) (1 - lr * weightDecay);
    float stepSize = (float) (lr / bc1);
    float invSqrtBc2 = (float) (1 / Math.sqrt(bc2));
    float b1 = (float) beta1;
    float b2 = (float) beta2;
    // 1−β in double before rounding: 1f − 0.999f would be off by 1e-5 relative.
    float ob1 = (float) (1 - beta1);
    float ob2 = (float) (1 - beta2);
    float eps = (float) epsilon;
    for (Parameter p : params.all()) {
      update(
          p.data(),
          grads.get(p.name()).data(),
          m.get(p.name()).data(),
          v.get(p.name()).data(),
          p.size(),
          decay,
          b1,
          b2,
          ob1,
          ob2,
          eps,
          stepSize,
          invSqrtBc2);
    }
  }

  // One flat loop over plain floats so the JIT can vectorise it.
  private static void update(
      FloatBuffer p,
      FloatBuffer g,
      FloatBuffer m,
      FloatBuffer v,
      int n,
      float decay,
      float b1,
      float b2,
      float ob1,
      float ob2,
      float eps,
      float stepSize,
      float invSqrtBc2) {
    for (int i = 0; i < n; i++) {
      float gi = g.get(i);
      float mi = b1 * m.get(i) + ob1 * gi;
      float vi = b2 * v.get(i) + ob2 * gi * gi;
      m.put(i, mi);
      v.put(i, vi);
      float denom = (float) Math.sqrt(vi) * invSqrtBc2 + eps;
      p.put(i, p.get(i) * decay - stepSize * mi / denom);
    }
  }

  /** Updates applied so far (the t of the bias correction). */
  public long stepCount() {
    return step;
  }

  /** First moments (exp_avg), by parameter name. */
  public Parameters firstMoments() {
    return m;
  }

  /** Second moments (exp_avg_sq), by parameter name. */
  public Parameters secondMoments() {
    return v;
  }

  /** Restores the state saved in a checkpoint. */
  public void restore(long stepCount, Parameters firstMoments, Parameters secondMoments) {
    m.copyFrom(firstMoments);
    v.copyFrom(secondMoments);
    step = stepCount;
  }
}
