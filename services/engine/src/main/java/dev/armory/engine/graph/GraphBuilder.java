package dev.armory.engine.graph;

import dev.armory.engine.graph.op.*;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link Graph} with methods that read like the math ({@code matmul(x, w)}, {@code
 * softmax(x, -1)}). Node names carry the current {@linkplain #scope scope} so a graph reads well in
 * Netron and errors name where a node came from.
 */
public final class GraphBuilder {
  private final Graph graph;
  private final Deque<String> scopes = new ArrayDeque<>();
  private final Map<ConstantKey, Value> constants = new HashMap<>();

  /** Identity of a small constant: its type, shape and exact bytes. */
  private record ConstantKey(ElementType type, List<Long> shape, ByteBuffer bytes) {
    static ConstantKey of(TensorData d) {
      return new ConstantKey(d.type(), Arrays.stream(d.shape()).boxed().toList(), d.bytes());
    }
  }

  public GraphBuilder(Graph graph) {
    this.graph = graph;
  }

  /** A builder over a new empty graph. */
  public static GraphBuilder create(String graphName) {
    return new GraphBuilder(new Graph(graphName));
  }

  public Graph graph() {
    return graph;
  }

  /**
   * A naming scope, closed by try-with-resources: {@code try (var s = b.scope("layers.0")) {…}}.
   */
  public Scope scope(String name) {
    scopes.push(name);
    return new Scope();
  }

  /** Closes a naming scope. */
  public final class Scope implements AutoCloseable {
    private Scope() {}

    @Override
    public void close() {
      scopes.pop();
    }
  }

  private String prefix() {
    if (scopes.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    scopes.descendingIterator().forEachRemaining(s -> sb.append(s).append('/'));
    return sb.toString();
  }

  // ---- inputs, constants, outputs -------------------------------------------------------------

  /** A graph input; dims are {@code Long}/{@code Integer} sizes or {@code String} symbols. */
  public Value input(String name, ElementType type, Object... dims) {
    Dim[] d = new Dim[dims.length];
    for (int i = 0; i < dims.length; i++) {
      d[i] =
          dims[i] instanceof String s
              ? Dim.symbol(s)
              : dims[i] instanceof Dim dd ? dd : Dim.of(((Number) dims[i]).longValue());
    }
    return graph.addInput(name, type, Shape.of(d));
  }

  public Value input(String name, ElementType type, Shape shape) {
    return graph.addInput(name, type, shape);
  }

  /** A named constant tensor (a weight, a table). */
  public Value initializer(String name, TensorData data) {
    return graph.addInitializer(name, data);
  }

  /**
   * A small constant, shared by every use of the same value (same type, shape and bytes: int64
   * values that differ beyond double precision stay distinct). Constants over 64 elements are never
   * shared.
   */
  public Value constant(TensorData data) {
    if (data.elementCount() > 64) {
      return graph.addInitializer(prefix() + "const", data);
    }
    return constants.computeIfAbsent(
        ConstantKey.of(data), k -> graph.addInitializer("const_" + constants.size(), data));
  }

  /** A scalar constant of a type. */
  public Value scalar(ElementType type, double v) {
    return constant(TensorData.scalar(type, v));
  }

  /** A scalar constant of the same element type as {@code like}. */
  public Value scalarLike(Value like, double v) {
    return scalar(like.type(), v);
  }

  /** A 1-D int64 constant (axes, shapes, sizes). */
  public Value ints(long... values) {
    return constant(TensorData.ofLongs(new long[] {values.length}, values));
  }

  /** Marks {@code v} as a graph output. */
  public Value output(Value v) {
    graph.addOutput(v);
    return v;
  }

  /**
   * Marks {@code v} as a graph output named {@code name} (through an Identity when renamed). Fails
   * when another value already has that name: the output would otherwise be renamed silently and
   * callers looking it up by name would not find it.
   */
  public Value output(Value v, String name) {
    if (!v.name().equals(name) && graph.hasValue(name)) {
      throw new GraphException(
          "cannot name an output '"
              + name
              + "' in graph '"
              + graph.name()
              + "': value "
              + graph.value(name)
              + " already has that name; pick another output name");
    }
    Value out =
        v.name().equals(name)
            ? v
            : graph
                .addNode(Identity.OP, name, List.of(v), Attributes.none(), List.of(name))
                .output(0);
    graph.addOutput(out);
    return out;
  }

  // ---- generic node creation ------------------------------------------------------------------

  /** Appends one node of {@code op} and returns its single output. */
  public Value apply(Op op, Attributes attrs, Value... inputs) {
    List<Value> outs = applyMulti(op, attrs, inputs);
    if (outs.size() != 1) {
      throw new IllegalArgumentException(
          op.type() + " has " + outs.size() + " outputs; use applyMulti");
    }
    return outs.get(0);
  }

  /** Appends one node of {@code op} and returns all its outputs. */
  public List<Value> applyMulti(Op op, Attributes attrs, Value... inputs) {
    return graph.addNode(op, prefix() + op.type(), Arrays.asList(inputs), attrs, null).outputs();
  }

  // ---- elementwise arithmetic -----------------------------------------------------------------

  public Value add(Value a, Value b) {
    return apply(Add.OP, Attributes.none(), a, b);
  }

  public Value sub(Value a, Value b) {
    return apply(Sub.OP, Attributes.none(), a, b);
  }

  public Value mul(Value a, Value b) {
    return apply(Mul.OP, Attributes.none(), a, b);
  }

  public Value div(Value a, Value b) {
    return apply(Div.OP, Attributes.none(), a, b);
  }

  public Value pow(Value x, Value p) {
    return apply(Pow.OP, Attributes.none(), x, p);
  }

  public Value pow(Value x, double p) {
    return pow(x, scalarLike(x, p));
  }

  /** Integer remainder with the divisor's sign (ONNX Mod, fmod=0). */
  public Value mod(Value a, Value b) {
    return apply(Mod.OP, Attributes.none(), a, b);
  }

  public Value bitwiseXor(Value a, Value b) {
    return apply(BitwiseXor.OP, Attributes.none(), a, b);
  }

  public Value min(Value a, Value b) {
    return apply(Min.OP, Attributes.none(), a, b);
  }

  public Value max(Value a, Value b) {
    return apply(Max.OP, Attributes.none(), a, b);
  }

  public Value neg(Value x) {
    return apply(Neg.OP, Attributes.none(), x);
  }

  public Value sqrt(Value x) {
    return apply(Sqrt.OP, Attributes.none(), x);
  }

  public Value reciprocal(Value x) {
    return apply(Reciprocal.OP, Attributes.none(), x);
  }

  public Value exp(Value x) {
    return apply(Exp.OP, Attributes.none(), x);
  }

  public Value log(Value x) {
    return apply(Log.OP, Attributes.none(), x);
  }

  public Value tanh(Value x) {
    return apply(Tanh.OP, Attributes.none(), x);
  }

  public Value sigmoid(Value x) {
    return apply(Sigmoid.OP, Attributes.none(), x);
  }

  public Value erf(Value x) {
    return apply(Erf.OP, Attributes.none(), x);
  }

  public Value relu(Value x) {
    return apply(Relu.OP, Attributes.none(), x);
  }

  public Value abs(Value x) {
    return apply(Abs.OP, Attributes.none(), x);
  }

  public Value softplus(Value x) {
    return apply(Softplus.OP, Attributes.none(), x);
  }

  public Value sign(Value x) {
    return apply(Sign.OP, Attributes.none(), x);
  }

  public Value floor(Value x) {
    return apply(Floor.OP, Attributes.none(), x);
  }

  public Value identity(Value x) {
    return apply(Identity.OP, Attributes.none(), x);
  }

  /**
   * {@code x} unchanged, but gradients do not flow back through it (a "detach"; an ONNX Identity
   * node named {@code StopGradient}).
   */
  public Value stopGradient(Value x) {
    return graph
        .addNode(StopGradient.OP, prefix() + "StopGradient", List.of(x), Attributes.none(), null)
        .output(0);
  }

  // ---- comparisons and logic ------------------------------------------------------------------

  public Value equal(Value a, Value b) {
    return apply(Equal.OP, Attributes.none(), a, b);
  }

  public Value less(Value a, Value b) {
    return apply(Less.OP, Attributes.none(), a, b);
  }

  public Value lessOrEqual(Value a, Value b) {
    return apply(LessOrEqual.OP, Attributes.none(), a, b);
  }

  public Value greater(Value a, Value b) {
    return apply(Greater.OP, Attributes.none(), a, b);
  }

  public Value greaterOrEqual(Value a, Value b) {
    return apply(GreaterOrEqual.OP, Attributes.none(), a, b);
  }

  public Value and(Value a, Value b) {
    return apply(And.OP, Attributes.none(), a, b);
  }

  public Value or(Value a, Value b) {
    return apply(Or.OP, Attributes.none(), a, b);
  }

  public Value not(Value x) {
    return apply(Not.OP, Attributes.none(), x);
  }

  /** Bitwise and of integers (e.g. {@code x & 15} keeps a low nibble). */
  public Value bitwiseAnd(Value a, Value b) {
    return apply(BitwiseAnd.OP, Attributes.none(), a, b);
  }

  /** Logical shift of unsigned integers by {@code amount} bits, right or left. */
  public Value bitShift(Value x, Value amount, boolean right) {
    return apply(BitShift.OP, Attributes.of("direction", right ? "RIGHT" : "LEFT"), x, amount);
  }

  public Value where(Value cond, Value a, Value b) {
    return apply(Where.OP, Attributes.none(), cond, a, b);
  }

  // ---- linear algebra and normalisers ---------------------------------------------------------

  public Value matmul(Value a, Value b) {
    return apply(MatMul.OP, Attributes.none(), a, b);
  }

  /** alpha·op(A)·op(B) + beta·C for 2-D operands; {@code c} may be null. */
  public Value gemm(
      Value a, Value b, Value c, double alpha, double beta, boolean transA, boolean transB) {
    Attributes at =
        Attributes.of(
            "alpha",
            (float) alpha,
            "beta",
            (float) beta,
            "transA",
            transA ? 1L : 0L,
            "transB",
            transB ? 1L : 0L);
    return c == null ? apply(Gemm.OP, at, a, b) : apply(Gemm.OP, at, a, b, c);
  }

  public Value softmax(Value x, int axis) {
    return apply(Softmax.OP, Attributes.of("axis", (long) axis), x);
  }

  public Value logSoftmax(Value x, int axis) {
    return apply(LogSoftmax.OP, Attributes.of("axis", (long) axis), x);
  }

  // ---- reductions -----------------------------------------------------------------------------

  public Value reduceSum(Value x, boolean keepDims, int... axes) {
    return reduce(ReduceSum.OP, x, keepDims, axes);
  }

  public Value reduceMean(Value x, boolean keepDims, int... axes) {
    return reduce(ReduceMean.OP, x, keepDims, axes);
  }

  public Value reduceMax(Value x, boolean keepDims, int... axes) {
    return reduce(ReduceMax.OP, x, keepDims, axes);
  }

  public Value reduceProd(Value x, boolean keepDims, int... axes) {
    return reduce(ReduceProd.OP, x, keepDims, axes);
  }

  private Value reduce(Op op, Value x, boolean keepDims, int... axes) {
    Attributes at = Attributes.of("keepdims", keepDims ? 1L : 0L);
    if (axes.length == 0) {
      return apply(op, at, x);
    }
    return apply(op, at, x, ints(Arrays.stream(axes).asLongStream().toArray()));
  }

  /**
   * Sum over axes given as a computed 1-D int64 value, keeping dims; an empty axes value leaves
   * {@code x} unchanged.
   */
  public Value reduceSumNoopEmpty(Value x, Value axes) {
    return apply(ReduceSum.OP, Attributes.of("keepdims", 1L, "noop_with_empty_axes", 1L), x, axes);
  }

  /** Indices of the non-zero elements, [rank, count]. */
  public Value nonZero(Value x) {
    return apply(NonZero.OP, Attributes.none(), x);
  }

  /** The number of elements of {@code x} along {@code axes}, as a scalar of x's type. */
  public Value reducedCount(Value x, int... axes) {
    long n = 1;
    boolean known = true;
    for (int a : axes) {
      Dim d = x.shape().dim(a);
      if (d.isKnown()) {
        n *= d.value();
      } else {
        known = false;
      }
    }
    if (known) {
      return scalarLike(x, n);
    }
    long[] ax = Arrays.stream(axes).asLongStream().toArray();
    Value dims = gather(shape(x), ints(ax), 0);
    return cast(reduceProd(dims, false), x.type());
  }

  // ---- shapes ---------------------------------------------------------------------------------

  public Value shape(Value x) {
    return apply(ShapeOf.OP, Attributes.none(), x);
  }

  /** Reshape to constant sizes (0 copies the input dim, -1 is inferred). */
  public Value reshape(Value x, long... shape) {
    return apply(Reshape.OP, Attributes.none(), x, ints(shape));
  }

  public Value reshape(Value x, Value shape) {
    return apply(Reshape.OP, Attributes.none(), x, shape);
  }

  /** Reshape {@code x} to the shape of {@code like}, statically when that shape is known. */
  public Value reshapeLike(Value x, Value like) {
    if (x.shape().equals(like.shape())) {
      return x;
    }
    return like.shape().isStatic() ? reshape(x, like.shape().sizes()) : reshape(x, shape(like));
  }

  public Value transpose(Value x, long... perm) {
    return apply(Transpose.OP, Attributes.of("perm", perm), x);
  }

  /** Swaps the last two axes. */
  public Value transposeLastTwo(Value x) {
    long[] p = new long[x.rank()];
    for (int i = 0; i < p.length; i++) {
      p[i] = i;
    }
    p[p.length - 1] = p.length - 2;
    p[p.length - 2] = p.length - 1;
    return transpose(x, p);
  }

  public Value unsqueeze(Value x, long... axes) {
    return apply(Unsqueeze.OP, Attributes.none(), x, ints(axes));
  }

  public Value squeeze(Value x, long... axes) {
    return apply(Squeeze.OP, Attributes.none(), x, ints(axes));
  }

  public Value concat(int axis, Value... xs) {
    return apply(Concat.OP, Attributes.of("axis", (long) axis), xs);
  }

  public List<Value> split(Value x, int axis, long... sizes) {
    return applyMulti(Split.OP, Attributes.of("axis", (long) axis), x, ints(sizes));
  }

  /** Splits into parts whose sizes are a 1-D int64 value computed at run time (static length). */
  public List<Value> split(Value x, int axis, Value sizes) {
    return applyMulti(Split.OP, Attributes.of("axis", (long) axis), x, sizes);
  }

  /** x[starts:ends] along {@code axes} with step 1. */
  public Value slice(Value x, long[] starts, long[] ends, long[] axes) {
    return apply(Slice.OP, Attributes.none(), x, ints(starts), ints(ends), ints(axes));
  }

  public Value gather(Value data, Value indices, int axis) {
    return apply(Gather.OP, Attributes.of("axis", (long) axis), data, indices);
  }

  public Value gatherElements(Value data, Value indices, int axis) {
    return apply(GatherElements.OP, Attributes.of("axis", (long) axis), data, indices);
  }

  public Value expand(Value x, Value shape) {
    return apply(Expand.OP, Attributes.none(), x, shape);
  }

  public Value cast(Value x, ElementType to) {
    if (x.type() == to) {
      return x;
    }
    return apply(Cast.OP, Attributes.of("to", (long) to.onnxCode()), x);
  }

  public Value pad(Value x, Value pads) {
    return apply(Pad.OP, Attributes.none(), x, pads);
  }

  public Value range(Value start, Value limit, Value delta) {
    return apply(Range.OP, Attributes.none(), start, limit, delta);
  }

  /** Lower ({@code upper == false}) or upper triangle of the last two axes, offset by k. */
  public Value trilu(Value x, boolean upper, long k) {
    return apply(
        Trilu.OP,
        Attributes.of("upper", upper ? 1L : 0L),
        x,
        constant(TensorData.ofLongs(new long[0], k)));
  }

  public Value argMax(Value x, int axis, boolean keepDims) {
    return apply(ArgMax.OP, Attributes.of("axis", (long) axis, "keepdims", keepDims ? 1L : 0L), x);
  }

  /** A tensor of {@code like}'s type and shape filled with zeros. */
  public Value zerosLike(Value like) {
    Value shape = like.shape().isStatic() ? ints(like.shape().sizes()) : shape(like);
    return apply(
        ConstantOfShape.OP,
        Attributes.of("value", TensorData.filled(like.type(), new long[] {1}, 0.0)),
        shape);
  }

  /** A tensor of the given shape (a 1-D int64 value) filled with {@code value} of {@code type}. */
  public Value constantOfShape(Value shape, ElementType type, double value) {
    return apply(
        ConstantOfShape.OP,
        Attributes.of("value", TensorData.filled(type, new long[] {1}, value)),
        shape);
  }

  /** Adds {@code updates} into a copy of {@code data} at index tuples (duplicates sum). */
  public Value scatterNDAdd(Value data, Value indices, Value updates) {
    return apply(ScatterND.OP, Attributes.of("reduction", "add"), data, indices, updates);
  }

  /** Adds {@code updates} into a copy of {@code data} at per-element indices along {@code axis}. */
  public Value scatterElementsAdd(Value data, Value indices, Value updates, int axis) {
    return apply(
        ScatterElements.OP,
        Attributes.of("axis", (long) axis, "reduction", "add"),
        data,
        indices,
        updates);
  }
}
