package dev.armory.engine.train;

/**
 * What a model gives the trainer: a forward/backward pass over a micro-batch and an evaluation
 * pass. Implementations usually own a compiled training graph and feed {@code params}' direct
 * buffers as its inputs; the trainer never sees the model.
 *
 * @param <B> the model's batch type
 */
public interface StepFunction<B extends Batch> {
  /**
   * Runs forward and backward on {@code batch} with the current {@code params}. Randomness (dropout
   * masks, their seeds) must come from {@code random}: it is the trainer's checkpointed stream, so
   * a resumed run draws the same numbers.
   */
  StepOutput forwardBackward(B batch, Parameters params, SplitMix64 random);

  /** Runs forward only, without dropout, and returns the mean loss over the batch's tokens. */
  EvalOutput evaluate(B batch, Parameters params);
}
