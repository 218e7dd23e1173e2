package dev.armory.engine.train;

import dev.armory.engine.train.SoftmaxRegression.ToyBatch;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;

/** Wraps a step function and misbehaves at one forward/backward call (1-based). */
final class FaultyStep implements StepFunction<ToyBatch> {
  enum Fault {
    CRASH,
    NAN_LOSS,
    NAN_GRADIENT
  }

  private final StepFunction<ToyBatch> inner;
  private final int atCall;
  private final Fault fault;
  private int calls;

  FaultyStep(StepFunction<ToyBatch> inner, int atCall, Fault fault) {
    this.inner = inner;
    this.atCall = atCall;
    this.fault = fault;
  }

  @Override
  public StepOutput forwardBackward(ToyBatch batch, Parameters params, SplitMix64 random) {
    calls++;
    StepOutput out = inner.forwardBackward(batch, params, random);
    if (calls != atCall) {
      return out;
    }
    return switch (fault) {
      case CRASH -> throw new IllegalStateException("simulated crash at call " + calls);
      case NAN_LOSS -> new StepOutput(Double.NaN, out.lossTokens(), out.gradients());
      case NAN_GRADIENT -> {
        Map<String, FloatBuffer> g = new HashMap<>(out.gradients());
        FloatBuffer bad = FloatBuffer.allocate(g.get("b").limit());
        bad.put(1, Float.NaN);
        g.put("b", bad);
        yield new StepOutput(out.loss(), out.lossTokens(), g);
      }
    };
  }

  @Override
  public EvalOutput evaluate(ToyBatch batch, Parameters params) {
    return inner.evaluate(batch, params);
  }
}
