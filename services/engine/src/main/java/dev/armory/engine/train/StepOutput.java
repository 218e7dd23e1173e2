package dev.armory.engine.train;

import java.nio.FloatBuffer;
import java.util.Map;

/**
 * The result of one forward/backward pass over a micro-batch.
 *
 * @param loss mean loss over the counted tokens of the batch
 * @param lossTokens tokens the loss was averaged over
 * @param gradients d(loss)/d(parameter) by parameter name, one buffer of the parameter's size for
 *     every parameter; the trainer reads them before the next call, so a step function may reuse
 *     the same buffers (e.g. preallocated ONNX Runtime outputs) every call
 */
public record StepOutput(double loss, long lossTokens, Map<String, FloatBuffer> gradients) {
  public StepOutput {
    gradients = Map.copyOf(gradients);
  }
}
