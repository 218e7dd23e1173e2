package dev.armory.engine.graph;

/**
 * A named tensor in a graph: a graph input, an initializer, or an output of one node. Its element
 * type and shape are known when it is created (shape dims may be symbolic).
 */
public final class Value {
  /** Where a value comes from. */
  public enum Kind {
    INPUT,
    INITIALIZER,
    NODE_OUTPUT
  }

  private final String name;
  private final ElementType type;
  private final Shape shape;
  private final Kind kind;
  private final Node producer;
  private final int outputIndex;
  private final TensorData constant;

  Value(String name, ElementType type, Shape shape, Kind kind, Node producer, int outputIndex) {
    this(name, type, shape, kind, producer, outputIndex, null);
  }

  Value(
      String name,
      ElementType type,
      Shape shape,
      Kind kind,
      Node producer,
      int outputIndex,
      TensorData constant) {
    this.name = name;
    this.type = type;
    this.shape = shape;
    this.kind = kind;
    this.producer = producer;
    this.outputIndex = outputIndex;
    this.constant = constant;
  }

  /** The initializer's contents, or null for values computed at run time. */
  public TensorData constant() {
    return constant;
  }

  public String name() {
    return name;
  }

  public ElementType type() {
    return type;
  }

  public Shape shape() {
    return shape;
  }

  public int rank() {
    return shape.rank();
  }

  public Kind kind() {
    return kind;
  }

  /** The node computing this value, or null for inputs and initializers. */
  public Node producer() {
    return producer;
  }

  /** Position among the producer's outputs (0 for inputs and initializers). */
  public int outputIndex() {
    return outputIndex;
  }

  @Override
  public String toString() {
    return name + ":" + type.name().toLowerCase() + shape;
  }
}
