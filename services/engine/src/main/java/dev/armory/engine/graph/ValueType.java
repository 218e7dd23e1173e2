package dev.armory.engine.graph;

/** Element type and shape of a value, as inferred for a node output. */
public record ValueType(ElementType type, Shape shape) {
  public static ValueType of(ElementType type, Shape shape) {
    return new ValueType(type, shape);
  }
}
