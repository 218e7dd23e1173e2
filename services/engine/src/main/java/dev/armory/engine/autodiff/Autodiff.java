package dev.armory.engine.autodiff;

import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.GraphException;
import dev.armory.engine.graph.Node;
import dev.armory.engine.graph.Value;
import dev.armory.engine.graph.op.ShapeOf;
import dev.armory.engine.graph.op.VjpContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse-mode differentiation over the graph IR. Appends the backward pass of a loss to the same
 * graph, visiting only nodes between the trainable values and the loss: a frozen weight gets no
 * gradient and no node computes one.
 */
public final class Autodiff {
  private final GraphBuilder b;
  private final Map<Value, Value> origin = new HashMap<>(); // active value -> a trainable behind it
  private final Set<Value> reachesLoss = new HashSet<>();
  private final Map<Value, List<Value>> pending = new HashMap<>();
  private final Map<Value, Value> totals = new HashMap<>(); // summed gradients, once collected

  private Autodiff(GraphBuilder b) {
    this.b = b;
  }

  /**
   * Appends d(loss)/d(v) for every v in {@code wrt} and returns them in order. A non-scalar loss is
   * summed. A value in {@code wrt} may be a graph input, an initializer or an intermediate value. A
   * trainable value the loss does not depend on gets zeros; one the loss depends on only through
   * non-differentiable ops (ArgMax, comparisons, a cast to integers…) fails with a {@link
   * GraphException} naming the first such op, rather than silently getting zeros.
   */
  public static Map<Value, Value> gradients(GraphBuilder b, Value loss, List<Value> wrt) {
    return new Autodiff(b).run(loss, wrt);
  }

  private Map<Value, Value> run(Value loss, List<Value> wrt) {
    if (!loss.type().isFloating()) {
      throw new GraphException("the loss must be floating-point, got " + loss);
    }
    List<Node> forward = new ArrayList<>(b.graph().nodes());
    markActive(forward, wrt);
    markReachesLoss(forward, loss);
    Map<Value, Value> result = new LinkedHashMap<>();
    try (GraphBuilder.Scope s = b.scope("grad")) {
      Value seed =
          loss.rank() == 0
              ? b.scalarLike(loss, 1.0)
              : b.constantOfShape(b.shape(loss), loss.type(), 1.0);
      pending.computeIfAbsent(loss, k -> new ArrayList<>()).add(seed);
      for (int i = forward.size() - 1; i >= 0; i--) {
        backward(forward.get(i));
      }
      for (Value v : wrt) {
        Value g = collect(v);
        if (g == null) {
          failIfReachedOnlyThroughCut(forward, v, loss);
        }
        result.put(v, g != null ? g : b.zerosLike(v));
      }
    }
    return result;
  }

  private void markActive(List<Node> nodes, List<Value> wrt) {
    for (Value v : wrt) {
      if (!v.type().isFloating()) {
        throw new GraphException("cannot differentiate with respect to non-floating value " + v);
      }
      origin.put(v, v);
    }
    for (Node n : nodes) {
      Value from = null;
      for (int i = 0; i < n.inputs().size() && from == null; i++) {
        Value in = n.input(i);
        if (in != null && origin.containsKey(in) && n.op().gradientFlowsTo(n, i)) {
          from = origin.get(in);
        }
      }
      if (from != null) {
        for (Value out : n.outputs()) {
          if (out.type().isFloating()) {
            origin.put(out, from);
          }
        }
      }
    }
  }

  private void markReachesLoss(List<Node> nodes, Value loss) {
    reachesLoss.add(loss);
    for (int i = nodes.size() - 1; i >= 0; i--) {
      Node n = nodes.get(i);
      if (n.outputs().stream().anyMatch(reachesLoss::contains)) {
        for (Value in : n.inputs()) {
          if (in != null) {
            reachesLoss.add(in);
          }
        }
      }
    }
  }

  private boolean needs(Value v) {
    return v != null && origin.containsKey(v) && reachesLoss.contains(v);
  }

  private void backward(Node n) {
    List<Value> dOut = new ArrayList<>();
    boolean any = false;
    for (Value out : n.outputs()) {
      Value g = collect(out);
      dOut.add(g);
      any |= g != null;
    }
    if (!any) {
      return;
    }
    boolean wanted = false;
    for (int i = 0; i < n.inputs().size(); i++) {
      wanted |= needs(n.input(i)) && n.op().gradientFlowsTo(n, i);
    }
    if (!wanted) {
      return;
    }
    if (!n.op().differentiable()) {
      Value trainable = null;
      for (Value in : n.inputs()) {
        if (needs(in)) {
          trainable = origin.get(in);
        }
      }
      throw new GraphException(
          "no VJP rule for "
              + n.opType()
              + " (node "
              + n.name()
              + ", reached from trainable '"
              + trainable.name()
              + "'): "
              + n.opType()
              + " is not differentiable; detach its input (GraphBuilder.stopGradient) or freeze"
              + " the trainable value");
    }
    VjpContext ctx =
        new VjpContext() {
          @Override
          public GraphBuilder builder() {
            return b;
          }

          @Override
          public boolean needsGradient(Value v) {
            return needs(v);
          }
        };
    List<Value> dIn;
    try (GraphBuilder.Scope s = b.scope(n.name())) {
      dIn = n.op().vjp(ctx, n, dOut);
    } catch (UnsupportedOperationException e) {
      throw new GraphException(
          "cannot differentiate " + n.opType() + " node " + n.name() + ": " + e.getMessage(), e);
    }
    if (dIn.size() != n.inputs().size()) {
      throw new GraphException(
          "VJP of "
              + n.opType()
              + " returned "
              + dIn.size()
              + " gradients for "
              + n.inputs().size()
              + " inputs");
    }
    for (int i = 0; i < dIn.size(); i++) {
      Value in = n.input(i);
      Value g = dIn.get(i);
      if (g != null && needs(in) && n.op().gradientFlowsTo(n, i)) {
        pending.computeIfAbsent(in, k -> new ArrayList<>()).add(Broadcasts.sumTo(b, g, in));
      }
    }
  }

  /**
   * The total gradient of {@code v}: the sum of every contribution, or null when none. Every
   * consumer of {@code v} comes after its producer, so once the walk reaches the producer no more
   * contributions arrive; the sum is kept so a {@code wrt} value computed by a node still finds it.
   */
  private Value collect(Value v) {
    Value done = totals.get(v);
    if (done != null) {
      return done;
    }
    List<Value> parts = pending.remove(v);
    if (parts == null || parts.isEmpty()) {
      return null;
    }
    Value sum = parts.get(0);
    for (int i = 1; i < parts.size(); i++) {
      sum = b.add(sum, parts.get(i));
    }
    totals.put(v, sum);
    return sum;
  }

  /**
   * Fails when the loss depends on {@code trainable}, which got no gradient, through a path that
   * leaves the differentiable ops (an integer or bool output, or an input a rule gives no
   * gradient). Shape reads are not such a dependence: they see only the extents.
   */
  private void failIfReachedOnlyThroughCut(List<Node> forward, Value trainable, Value loss) {
    Set<Node> forwardNodes = new HashSet<>(forward);
    Map<Value, Node> cutOnPath = new HashMap<>(); // reached value -> first cut on its path, or null
    java.util.ArrayDeque<Value> queue = new java.util.ArrayDeque<>();
    cutOnPath.put(trainable, null);
    queue.add(trainable);
    while (!queue.isEmpty()) {
      Value v = queue.poll();
      Node cut = cutOnPath.get(v);
      if (v.equals(loss)) {
        if (cut == null) {
          return; // reached along differentiable ops: a rule returned no gradient on purpose
        }
        throw new GraphException(
            "trainable '"
                + trainable.name()
                + "' reaches the loss only through non-differentiable "
                + cut.opType()
                + " (node "
                + cut.name()
                + "), so its gradient would be zero everywhere: make that path differentiable or"
                + " stop training '"
                + trainable.name()
                + "'");
      }
      for (Node n : b.graph().consumers(v)) {
        if (!forwardNodes.contains(n) || n.op() == ShapeOf.OP) {
          continue;
        }
        for (int i = 0; i < n.inputs().size(); i++) {
          if (!v.equals(n.input(i))) {
            continue;
          }
          for (Value out : n.outputs()) {
            boolean flows =
                n.op().differentiable() && n.op().gradientFlowsTo(n, i) && out.type().isFloating();
            Node outCut = cut != null ? cut : flows ? null : n;
            // A differentiable path wins over a cut one (visited at most twice per value).
            if (!cutOnPath.containsKey(out) || (outCut == null && cutOnPath.get(out) != null)) {
              cutOnPath.put(out, outCut);
              queue.add(out);
            }
          }
        }
      }
    }
  }
}
