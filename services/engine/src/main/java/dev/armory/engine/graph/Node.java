package dev.armory.engine.graph;

import dev.armory.engine.graph.op.Op;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One operator application: an op, its inputs (null for omitted optional ones), attributes and
 * outputs.
 */
public final class Node {
  private final Op op;
  private final String name;
  private final List<Value> inputs;
  private final Attributes attributes;
  private final List<Value> outputs = new ArrayList<>();

  Node(Op op, String name, List<Value> inputs, Attributes attributes) {
    this.op = op;
    this.name = name;
    this.inputs = Collections.unmodifiableList(new ArrayList<>(inputs));
    this.attributes = attributes;
  }

  void addOutput(Value v) {
    outputs.add(v);
  }

  public Op op() {
    return op;
  }

  public String opType() {
    return op.type();
  }

  public String domain() {
    return op.domain();
  }

  public String name() {
    return name;
  }

  public List<Value> inputs() {
    return inputs;
  }

  public Value input(int i) {
    return i < inputs.size() ? inputs.get(i) : null;
  }

  public List<Value> outputs() {
    return Collections.unmodifiableList(outputs);
  }

  public Value output(int i) {
    return outputs.get(i);
  }

  public Attributes attributes() {
    return attributes;
  }

  @Override
  public String toString() {
    return op.type() + " '" + name + "'";
  }
}
