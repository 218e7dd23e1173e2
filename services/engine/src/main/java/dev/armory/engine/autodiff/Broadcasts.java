package dev.armory.engine.autodiff;

import dev.armory.engine.graph.Dim;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Value;
import java.util.ArrayList;
import java.util.List;

/** Undoes broadcasting: sums a gradient over the axes along which its input was broadcast. */
final class Broadcasts {
  private Broadcasts() {}

  /** {@code g} summed to the shape of {@code target}. */
  static Value sumTo(GraphBuilder b, Value g, Value target) {
    if (g.shape().equals(target.shape())) {
      return g;
    }
    int lead = g.rank() - target.rank();
    if (lead < 0) {
      throw new IllegalStateException("gradient " + g + " has lower rank than its input " + target);
    }
    List<Integer> axes = new ArrayList<>();
    boolean ambiguous = false;
    for (int i = 0; i < g.rank(); i++) {
      if (i < lead) {
        axes.add(i);
        continue;
      }
      Dim t = target.shape().dim(i - lead);
      Dim d = g.shape().dim(i);
      if (t.equals(d)) {
        continue;
      }
      if (t.is(1)) {
        axes.add(i);
      } else if (!t.isKnown()) {
        ambiguous = true; // a symbolic target dim may be 1 at run time
      }
    }
    Value summed;
    if (ambiguous) {
      summed = sumBroadcastAxesAtRunTime(b, g, target, lead);
    } else {
      summed =
          axes.isEmpty()
              ? g
              : b.reduceSum(g, true, axes.stream().mapToInt(Integer::intValue).toArray());
    }
    return b.reshapeLike(summed, target);
  }

  /**
   * Sums over the axes where the target's run-time extent is 1 and the gradient's is not, for
   * shapes that static inference cannot decide.
   */
  private static Value sumBroadcastAxesAtRunTime(GraphBuilder b, Value g, Value target, int lead) {
    Value targetShape = b.shape(target);
    if (lead > 0) {
      long[] ones = new long[lead];
      java.util.Arrays.fill(ones, 1);
      targetShape = b.concat(0, b.ints(ones), targetShape);
    }
    Value one = b.ints(1);
    Value broadcastAxes = b.and(b.equal(targetShape, one), b.not(b.equal(b.shape(g), one)));
    Value axes = b.reshape(b.nonZero(broadcastAxes), -1);
    return b.reduceSumNoopEmpty(g, axes);
  }
}
