package dev.armory.engine.train;

import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The result of one forward/backward pass over a micro-batch.
 *
 * @param loss mean loss over the counted tokens of the batch
 * @param lossTokens tokens the loss was averaged over
 * @param gradients d(loss)/d(parameter) by parameter name, one buffer of the parameter's size for
 *     every parameter; the trainer reads them before the next call, so a step function may reuse
 *     the same buffers (e.g. preallocated ONNX Runtime outputs) every call
 * @param metrics objective-specific figures of the batch by name (e.g. DPO's {@code
 *     rewards/accuracy}); the trainer averages them over a step's micro-batches like the loss and
 *     logs them beside it, in this order
 */
public record StepOutput(
    double loss, long lossTokens, Map<String, FloatBuffer> gradients, Map<String, Double> metrics) {
  public StepOutput {
    gradients = Map.copyOf(gradients);
    metrics = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
  }

  /** A result with the loss alone. */
  public StepOutput(double loss, long lossTokens, Map<String, FloatBuffer> gradients) {
    this(loss, lossTokens, gradients, Map.of());
  }
}
