package dev.armory.engine.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The loss of a forward pass without gradients.
 *
 * @param loss mean loss over the counted tokens of the batch
 * @param lossTokens tokens the loss was averaged over (weights the batch in the eval mean)
 * @param metrics objective-specific figures of the batch (weighted like the loss in the eval mean)
 */
public record EvalOutput(double loss, long lossTokens, Map<String, Double> metrics) {
  public EvalOutput {
    metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
  }

  /** A result with the loss alone. */
  public EvalOutput(double loss, long lossTokens) {
    this(loss, lossTokens, Map.of());
  }
}
