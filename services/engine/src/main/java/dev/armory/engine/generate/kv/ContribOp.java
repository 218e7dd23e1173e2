package dev.armory.engine.generate.kv;

import dev.armory.engine.graph.Graph;
import dev.armory.engine.graph.Value;
import dev.armory.engine.graph.op.Op;
import java.util.List;

/**
 * An ONNX Runtime contrib operator used by inference graphs only: no VJP rule (nothing trains
 * through these graphs), so autodiff refuses them.
 */
abstract class ContribOp implements Op {
  @Override
  public String domain() {
    return Graph.MICROSOFT_DOMAIN;
  }

  static Value input(List<Value> inputs, int i, String op, String name) {
    if (i >= inputs.size() || inputs.get(i) == null) {
      throw new IllegalArgumentException(op + " needs input " + i + " (" + name + ")");
    }
    return inputs.get(i);
  }

  static void requireRank(Value v, int rank, String op, String name) {
    if (v.rank() != rank) {
      throw new IllegalArgumentException(
          op + " input " + name + " must have rank " + rank + ", got " + v);
    }
  }
}
