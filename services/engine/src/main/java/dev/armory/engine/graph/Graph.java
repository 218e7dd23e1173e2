package dev.armory.engine.graph;

import dev.armory.engine.graph.op.Op;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A computation graph: inputs, initializers (constant tensors), nodes in topological order and
 * outputs. Nodes can only consume values that already exist, so insertion order is a topological
 * order. Build graphs through {@link GraphBuilder}.
 */
public final class Graph {
  /** Default-domain opset Armory targets; ONNX Runtime 1.29 runs every op used here at it. */
  public static final long DEFAULT_OPSET = 21;

  /** Opset of ONNX Runtime's contrib domain. */
  public static final String MICROSOFT_DOMAIN = "com.microsoft";

  private final String name;
  private final List<Value> inputs = new ArrayList<>();
  private final List<Value> outputs = new ArrayList<>();
  private final Map<Value, TensorData> initializers = new LinkedHashMap<>();
  private final List<Node> nodes = new ArrayList<>();
  private final Map<String, Value> valuesByName = new HashMap<>();
  private final Map<String, Node> nodesByName = new HashMap<>();
  private final Map<Value, List<Node>> consumers = new HashMap<>();
  private final Map<String, Long> opsets = new TreeMap<>();
  private final Map<String, String> metadata = new LinkedHashMap<>();

  public Graph(String name) {
    this.name = name;
    opsets.put("", DEFAULT_OPSET);
  }

  public String name() {
    return name;
  }

  public List<Value> inputs() {
    return Collections.unmodifiableList(inputs);
  }

  public List<Value> outputs() {
    return Collections.unmodifiableList(outputs);
  }

  public Map<Value, TensorData> initializers() {
    return Collections.unmodifiableMap(initializers);
  }

  public List<Node> nodes() {
    return Collections.unmodifiableList(nodes);
  }

  /** Operator set versions by domain ("" is the default ONNX domain). */
  public Map<String, Long> opsets() {
    return Collections.unmodifiableMap(opsets);
  }

  /** Free-form model metadata written to the ModelProto's metadata_props. */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** The value with this name; fails with the graph's name when absent. */
  public Value value(String valueName) {
    Value v = valuesByName.get(valueName);
    if (v == null) {
      throw new IllegalArgumentException(
          "graph '" + name + "' has no value named '" + valueName + "'");
    }
    return v;
  }

  public boolean hasValue(String valueName) {
    return valuesByName.containsKey(valueName);
  }

  /** Nodes that read {@code v}, in graph order. */
  public List<Node> consumers(Value v) {
    return Collections.unmodifiableList(consumers.getOrDefault(v, List.of()));
  }

  public boolean isInitializer(Value v) {
    return initializers.containsKey(v);
  }

  public Value addInput(String valueName, ElementType type, Shape shape) {
    Value v =
        register(new Value(uniqueValueName(valueName), type, shape, Value.Kind.INPUT, null, 0));
    inputs.add(v);
    return v;
  }

  public Value addInitializer(String valueName, TensorData data) {
    Value v =
        register(
            new Value(
                uniqueValueName(valueName),
                data.type(),
                Shape.of(data.shape()),
                Value.Kind.INITIALIZER,
                null,
                0,
                data));
    initializers.put(v, data);
    return v;
  }

  /** Marks a value as a graph output. */
  public void addOutput(Value v) {
    requireOwned(v);
    if (outputs.contains(v)) {
      throw new IllegalArgumentException("value '" + v.name() + "' is already a graph output");
    }
    outputs.add(v);
  }

  /** Removes a value from the graph outputs (the value and its producer stay). */
  public void removeOutput(Value v) {
    outputs.remove(v);
  }

  /**
   * Appends a node. Output types come from the op's inference; {@code outputNames} may be null to
   * derive names from the node name.
   */
  public Node addNode(
      Op op, String nodeName, List<Value> in, Attributes attrs, List<String> outputNames) {
    for (Value v : in) {
      if (v != null) {
        requireOwned(v);
      }
    }
    List<ValueType> types;
    try {
      types = op.infer(in, attrs);
    } catch (RuntimeException e) {
      throw new GraphException(
          "cannot add "
              + op.type()
              + " node '"
              + nodeName
              + "' with inputs "
              + in
              + " and attributes "
              + attrs
              + ": "
              + e.getMessage(),
          e);
    }
    if (outputNames != null && outputNames.size() != types.size()) {
      throw new IllegalArgumentException(
          op.type()
              + " has "
              + types.size()
              + " outputs but "
              + outputNames.size()
              + " names were given");
    }
    String unique = claimNodeName(nodeName);
    Node node = new Node(op, unique, in, attrs);
    for (int i = 0; i < types.size(); i++) {
      String vn =
          outputNames != null ? outputNames.get(i) : types.size() == 1 ? unique : unique + ":" + i;
      ValueType t = types.get(i);
      node.addOutput(
          register(
              new Value(
                  uniqueValueName(vn), t.type(), t.shape(), Value.Kind.NODE_OUTPUT, node, i)));
    }
    for (Value v : in) {
      if (v != null) {
        consumers.computeIfAbsent(v, k -> new ArrayList<>()).add(node);
      }
    }
    nodes.add(node);
    nodesByName.put(unique, node);
    if (!op.domain().isEmpty()) {
      opsets.putIfAbsent(op.domain(), 1L);
    }
    return node;
  }

  /** Declares an opset version for a domain (for contrib domains with other versions). */
  public void useOpset(String domain, long version) {
    opsets.put(domain, version);
  }

  private void requireOwned(Value v) {
    if (valuesByName.get(v.name()) != v) {
      throw new IllegalArgumentException("value " + v + " does not belong to graph '" + name + "'");
    }
  }

  private String uniqueValueName(String wanted) {
    String n = wanted;
    for (int i = 1; valuesByName.containsKey(n); i++) {
      n = wanted + "_" + i;
    }
    return n;
  }

  private Value register(Value v) {
    valuesByName.put(v.name(), v);
    return v;
  }

  private String claimNodeName(String wanted) {
    String n = wanted;
    for (int i = 1; nodesByName.containsKey(n); i++) {
      n = wanted + "_" + i;
    }
    return n;
  }
}
