package dev.armory.engine.graph.op;

import dev.armory.engine.graph.Node;

/**
 * An ONNX Identity that gradients do not pass (a "detach"): the walk treats its output as a
 * constant. For targets that must not be trained toward (a reference model's log-probabilities) and
 * straight-through estimators: {@code x + stopGradient(floor(x) - x)} is floor(x) going forward and
 * has slope 1 going back.
 */
public final class StopGradient extends UnaryOp {
  public static final StopGradient OP = new StopGradient();

  private StopGradient() {
    super("Identity");
  }

  @Override
  public boolean gradientFlowsTo(Node node, int index) {
    return false;
  }
}
