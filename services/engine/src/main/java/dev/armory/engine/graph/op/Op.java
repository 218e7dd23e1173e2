package dev.armory.engine.graph.op;

import dev.armory.engine.graph.Attributes;
import dev.armory.engine.graph.Node;
import dev.armory.engine.graph.Value;
import dev.armory.engine.graph.ValueType;
import java.util.List;

/**
 * An operator: how its outputs' types and shapes follow from its inputs, and, when it has one, its
 * vector-Jacobian product written with ordinary ONNX ops.
 */
public interface Op {
  /** The ONNX op_type. */
  String type();

  /** The operator domain; "" is the default ONNX domain. */
  default String domain() {
    return "";
  }

  /** Output types and shapes for these inputs (null where an optional input is omitted). */
  List<ValueType> infer(List<Value> inputs, Attributes attributes);

  /** True when the op has a VJP rule; false marks it non-differentiable. */
  default boolean differentiable() {
    return false;
  }

  /** Whether a gradient can flow into input {@code index} of {@code node}. */
  default boolean gradientFlowsTo(Node node, int index) {
    Value v = node.input(index);
    return v != null && v.type().isFloating();
  }

  /**
   * The gradients of the loss with respect to each input, given those with respect to each output
   * (null for outputs no gradient reaches). Returns one entry per input, null where no gradient
   * flows or where {@link VjpContext#needsGradient} is false. A returned gradient may have the
   * output's broadcast shape; the caller reduces it to the input's shape.
   */
  default List<Value> vjp(VjpContext ctx, Node node, List<Value> outputGradients) {
    throw new UnsupportedOperationException(type() + " has no VJP rule");
  }
}
