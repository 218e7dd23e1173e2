package dev.armory.engine.train;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import dev.armory.engine.autodiff.Autodiff;
import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Value;
import dev.armory.engine.runtime.GraphSession;
import dev.armory.engine.runtime.Ort;
import dev.armory.engine.runtime.SessionConfig;
import dev.armory.engine.runtime.Tensors;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A toy model for the trainer: softmax regression {@code p = softmax(x·W + b)} with mean
 * cross-entropy over the counted rows. The training graph is built with GraphBuilder,
 * differentiated with Autodiff and run on ONNX Runtime; W and b are fed from the trainer's direct
 * buffers without a copy, and the gradients are written into preallocated direct buffers.
 */
final class SoftmaxRegression implements StepFunction<SoftmaxRegression.ToyBatch>, AutoCloseable {
  static final int D = 8; // features
  static final int C = 4; // classes

  /** One labelled example. */
  record Example(float[] x, int label) {}

  /**
   * Rows of features and one-hot targets; a row with an all-zero target is padding.
   *
   * @param x [rows, D]
   * @param target [rows, C]
   */
  record ToyBatch(float[] x, float[] target, int rows, long lossTokens) implements Batch {
    @Override
    public long tokens() {
      return rows;
    }

    static ToyBatch of(List<Example> examples) {
      int n = examples.size();
      float[] x = new float[n * D];
      float[] t = new float[n * C];
      for (int r = 0; r < n; r++) {
        System.arraycopy(examples.get(r).x(), 0, x, r * D, D);
        t[r * C + examples.get(r).label()] = 1f;
      }
      return new ToyBatch(x, t, n, n);
    }
  }

  private final GraphSession session;
  private final Map<String, OnnxTensor> paramTensors = new LinkedHashMap<>();
  private final Map<String, FloatBuffer> gradBuffers = new LinkedHashMap<>();
  private final Map<String, OnnxTensor> outputs = new LinkedHashMap<>();
  private final FloatBuffer loss;
  private int calls;

  SoftmaxRegression(Parameters params) {
    GraphBuilder b = GraphBuilder.create("softmax-regression");
    Value x = b.input("x", ElementType.FLOAT, "B", D);
    Value target = b.input("target", ElementType.FLOAT, "B", C);
    Value w = b.input("W", ElementType.FLOAT, D, C);
    Value bias = b.input("b", ElementType.FLOAT, C);
    Value logp = b.logSoftmax(b.add(b.matmul(x, w), bias), -1); // [B, C]
    Value nll = b.neg(b.reduceSum(b.mul(target, logp), false)); // summed over counted rows
    Value l = b.div(nll, b.reduceSum(target, false)); // mean over counted rows
    b.output(l, "loss");
    Map<Value, Value> g = Autodiff.gradients(b, l, List.of(w, bias));
    b.output(g.get(w), "grad_W");
    b.output(g.get(bias), "grad_b");
    session = GraphSession.create(b.graph(), SessionConfig.defaults().withThreads(1));
    try {
      for (Parameter p : params.all()) {
        // Zero-copy over the direct buffer: ONNX Runtime sees every in-place optimizer update.
        paramTensors.put(p.name(), OnnxTensor.createTensor(Ort.env(), p.data(), p.shape()));
        FloatBuffer gb = Tensors.direct(p.size() * 4L).asFloatBuffer();
        gradBuffers.put(p.name(), gb);
        outputs.put("grad_" + p.name(), OnnxTensor.createTensor(Ort.env(), gb, p.shape()));
      }
      loss = Tensors.direct(4).asFloatBuffer();
      outputs.put("loss", OnnxTensor.createTensor(Ort.env(), loss, new long[0]));
    } catch (OrtException e) {
      throw new IllegalStateException(e);
    }
  }

  /** W [D, C] and b [C] with small seeded random values. */
  static Parameters initialParameters(long seed) {
    SplitMix64 r = new SplitMix64(seed);
    Parameters p = new Parameters();
    float[] w = new float[D * C];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (0.1 * r.nextGaussian());
    }
    p.add("W", new long[] {D, C}, w);
    p.add("b", C);
    return p;
  }

  /** Examples labelled by a fixed random linear teacher, so the task is learnable. */
  static List<Example> dataset(int n, long seed) {
    SplitMix64 r = new SplitMix64(seed);
    SplitMix64 teacherRandom = new SplitMix64(7);
    float[] teacher = new float[D * C];
    for (int i = 0; i < teacher.length; i++) {
      teacher[i] = (float) teacherRandom.nextGaussian();
    }
    List<Example> out = new ArrayList<>();
    for (int e = 0; e < n; e++) {
      float[] x = new float[D];
      for (int i = 0; i < D; i++) {
        x[i] = (float) r.nextGaussian();
      }
      int best = 0;
      double bestScore = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < C; c++) {
        double s = 0;
        for (int i = 0; i < D; i++) {
          s += x[i] * teacher[i * C + c];
        }
        if (s > bestScore) {
          bestScore = s;
          best = c;
        }
      }
      out.add(new Example(x, best));
    }
    return out;
  }

  /** Forward/backward calls so far. */
  int calls() {
    return calls;
  }

  @Override
  public StepOutput forwardBackward(ToyBatch batch, Parameters params, SplitMix64 random) {
    calls++;
    run(batch, true);
    return new StepOutput(loss.get(0), batch.lossTokens(), gradBuffers);
  }

  @Override
  public EvalOutput evaluate(ToyBatch batch, Parameters params) {
    run(batch, false);
    return new EvalOutput(loss.get(0), batch.lossTokens());
  }

  private void run(ToyBatch batch, boolean withGradients) {
    Map<String, OnnxTensor> in = new HashMap<>(paramTensors);
    try (OnnxTensor x = Tensors.floats(batch.x(), batch.rows(), D);
        OnnxTensor t = Tensors.floats(batch.target(), batch.rows(), C)) {
      in.put("x", x);
      in.put("target", t);
      session.runInto(in, withGradients ? outputs : Map.of("loss", outputs.get("loss")));
    }
  }

  @Override
  public void close() {
    session.close();
    paramTensors.values().forEach(OnnxTensor::close);
    outputs.values().forEach(OnnxTensor::close);
  }
}
