package dev.armory.engine.nn;

import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.TensorData;
import dev.armory.engine.graph.Value;

/** Dense layers over weights stored as checkpoints store them, without transposing the weights. */
public final class Linear {
  private Linear() {}

  /**
   * y = x·Wᵀ + bias for W [out, in] (PyTorch's Linear layout) and x [.., in]. Leading dims are
   * folded into rows for one Gemm with transB, so no Transpose of W exists in the graph: a graph
   * whose constant folding is off (NF4) does not copy the weight every step, and the backward pass
   * reads W as stored.
   */
  public static Value xWt(GraphBuilder b, Value x, Value weight, Value bias) {
    long in = weight.shape().dim(1).value();
    long out = weight.shape().dim(0).value();
    if (x.rank() == 2) {
      return b.gemm(x, weight, bias, 1.0, 1.0, false, true);
    }
    Value rows = b.reshape(x, -1, in);
    Value y = b.gemm(rows, weight, bias, 1.0, 1.0, false, true);
    Value leading =
        b.apply(
            dev.armory.engine.graph.op.ShapeOf.OP,
            dev.armory.engine.graph.Attributes.of("end", -1L),
            x);
    Value shape = b.concat(0, leading, b.constant(TensorData.ofLongs(new long[] {1}, out)));
    return b.reshape(y, shape);
  }
}
