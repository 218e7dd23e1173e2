package dev.armory.engine.train;

/**
 * The loss of a forward pass without gradients.
 *
 * @param loss mean loss over the counted tokens of the batch
 * @param lossTokens tokens the loss was averaged over (weights the batch in the eval mean)
 */
public record EvalOutput(double loss, long lossTokens) {}
