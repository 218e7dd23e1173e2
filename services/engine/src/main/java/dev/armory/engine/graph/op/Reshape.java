package dev.armory.engine.graph.op;

import dev.armory.engine.graph.Attributes;
import dev.armory.engine.graph.Dim;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Node;
import dev.armory.engine.graph.Shape;
import dev.armory.engine.graph.Value;
import dev.armory.engine.graph.ValueType;
import java.util.Arrays;
import java.util.List;

/**
 * Reshape to a 1-D int64 shape where 0 copies the input's dimension and -1 is inferred. VJP: the
 * gradient reshaped back to the input's shape.
 */
public final class Reshape implements Op {
  public static final Reshape OP = new Reshape();

  private Reshape() {}

  @Override
  public String type() {
    return "Reshape";
  }

  @Override
  public List<ValueType> infer(List<Value> inputs, Attributes at) {
    Infer.requireCount(inputs, 2, 2, "Reshape");
    Value x = inputs.get(0);
    Value shape = inputs.get(1);
    long[] c = Infer.constantInts(shape);
    if (c == null) {
      return Infer.one(x.type(), Shape.of(Infer.shapeValue(shape, "Reshape")));
    }
    Dim[] out = new Dim[c.length];
    int inferred = -1;
    long knownProduct = 1;
    boolean allKnown = true;
    for (int i = 0; i < c.length; i++) {
      if (c[i] == -1) {
        if (inferred >= 0) {
          throw new IllegalArgumentException(
              "Reshape shape has more than one -1: " + Arrays.toString(c));
        }
        inferred = i;
        continue;
      }
      if (c[i] == 0) {
        if (i >= x.rank()) {
          throw new IllegalArgumentException("Reshape: 0 at position " + i + " but input is " + x);
        }
        out[i] = x.shape().dim(i);
      } else if (c[i] < -1) {
        throw new IllegalArgumentException("Reshape: invalid size " + c[i]);
      } else {
        out[i] = Dim.of(c[i]);
      }
      if (out[i].isKnown()) {
        knownProduct *= out[i].value();
      } else {
        allKnown = false;
      }
    }
    if (inferred >= 0) {
      if (allKnown && x.shape().isStatic()) {
        long total = x.shape().elementCount();
        if (knownProduct == 0 || total % knownProduct != 0) {
          throw new IllegalArgumentException("cannot reshape " + x + " to " + Arrays.toString(c));
        }
        out[inferred] = Dim.of(total / knownProduct);
      } else {
        out[inferred] = Dim.unknown();
      }
    } else if (allKnown && x.shape().isStatic() && knownProduct != x.shape().elementCount()) {
      throw new IllegalArgumentException("cannot reshape " + x + " to " + Arrays.toString(c));
    }
    return Infer.one(x.type(), Shape.of(out));
  }

  @Override
  public boolean differentiable() {
    return true;
  }

  @Override
  public boolean gradientFlowsTo(Node node, int index) {
    return index == 0 && node.input(0).type().isFloating();
  }

  @Override
  public List<Value> vjp(VjpContext ctx, Node node, List<Value> dOut) {
    GraphBuilder b = ctx.builder();
    return Arrays.asList(b.reshapeLike(dOut.get(0), node.input(0)), null);
  }
}
