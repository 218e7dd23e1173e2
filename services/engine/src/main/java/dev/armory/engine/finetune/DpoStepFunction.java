package dev.armory.engine.finetune;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.armory.engine.data.TokenBatch;
import dev.armory.engine.models.ForwardGraph;
import dev.armory.engine.quant.QuantizedGraphs;
import dev.armory.engine.runtime.GraphSession;
import dev.armory.engine.runtime.SessionConfig;
import dev.armory.engine.runtime.Tensors;
import dev.armory.engine.train.EvalOutput;
import dev.armory.engine.train.Parameter;
import dev.armory.engine.train.Parameters;
import dev.armory.engine.train.SplitMix64;
import dev.armory.engine.train.StepFunction;
import dev.armory.engine.train.StepOutput;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Runs DPO steps on ONNX Runtime, as {@link SftStepFunction} runs SFT ones: adapter factors fed
 * zero-copy from the trainer's buffers, gradients written into buffers allocated once. Besides the
 * loss each step reports the reward figures of {@link DpoStats}. The forward session serves both
 * the reference log-probs (before training, while the factors still hold their starting values) and
 * evaluation.
 */
public final class DpoStepFunction implements StepFunction<DpoBatch>, AutoCloseable {
  private final double beta;
  private final double labelSmoothing;
  private final GraphSession trainSession;
  private final GraphSession forwardSession;
  private final Map<String, OnnxTensor> parameterTensors = new LinkedHashMap<>();
  private final Map<String, OnnxTensor> gradientTensors = new LinkedHashMap<>();
  private final Map<String, FloatBuffer> gradients = new LinkedHashMap<>();
  private final OnnxTensor lossTensor;
  private final FloatBuffer lossBuffer;
  private final boolean hasDropout;

  public DpoStepFunction(
      DpoTrainingGraph graphs,
      Parameters params,
      SessionConfig config,
      double beta,
      double labelSmoothing) {
    this.beta = beta;
    this.labelSmoothing = labelSmoothing;
    SessionConfig c = graphs.quantized() ? QuantizedGraphs.sessionConfig(config) : config;
    this.trainSession = GraphSession.create(graphs.trainingGraph().graph(), c);
    try {
      this.forwardSession = GraphSession.create(graphs.forwardGraph().graph(), c);
    } catch (RuntimeException e) {
      trainSession.close();
      throw e;
    }
    this.hasDropout = trainSession.inputNames().contains(LoraTrainingGraph.DROPOUT_SEED);
    for (Parameter p : params.all()) {
      parameterTensors.put(p.name(), Tensors.wrap(p.data(), p.shape()));
      FloatBuffer g = Tensors.direct(p.size() * 4L).order(ByteOrder.nativeOrder()).asFloatBuffer();
      gradients.put(p.name(), g);
      gradientTensors.put(graphs.gradientOutputs().get(p.name()), Tensors.wrap(g, p.shape()));
    }
    lossBuffer = Tensors.direct(4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    lossTensor = Tensors.wrap(lossBuffer, new long[0]);
  }

  @Override
  public StepOutput forwardBackward(DpoBatch batch, Parameters params, SplitMix64 random) {
    Map<String, OnnxTensor> feeds = BatchFeeds.of(batch.data());
    try {
      feeds.putAll(parameterTensors);
      feeds.put(
          DpoTrainingGraph.REFERENCE_LOGPS,
          Tensors.floats(batch.referenceLogProbs(), batch.data().rows()));
      if (hasDropout) {
        feeds.put(LoraTrainingGraph.DROPOUT_SEED, Tensors.longs(new long[] {random.nextLong()}));
      }
      Map<String, OnnxTensor> pinned = new HashMap<>(gradientTensors);
      pinned.put(ForwardGraph.LOSS, lossTensor);
      float[] policy;
      try (OrtSession.Result r =
          trainSession.runInto(feeds, Set.of(DpoTrainingGraph.LOGPS), pinned)) {
        policy = Tensors.toFloats(r.get(DpoTrainingGraph.LOGPS).get());
      }
      DpoStats stats = DpoStats.of(policy, batch.referenceLogProbs(), beta, labelSmoothing);
      // The loss the gradients belong to is the graph's; the reward figures are exact doubles.
      return new StepOutput(lossBuffer.get(0), batch.lossTokens(), gradients, stats.metrics());
    } finally {
      BatchFeeds.closeExcept(feeds, parameterTensors);
    }
  }

  @Override
  public EvalOutput evaluate(DpoBatch batch, Parameters params) {
    DpoStats stats =
        DpoStats.of(logProbs(batch.data()), batch.referenceLogProbs(), beta, labelSmoothing);
    return new EvalOutput(stats.loss(), batch.lossTokens(), stats.metrics());
  }

  /**
   * Sequence log-probs of every row of {@code batch} under the factors the parameters hold now,
   * without dropout: called before the first step, this is the reference policy.
   */
  public float[] logProbs(TokenBatch batch) {
    Map<String, OnnxTensor> feeds = BatchFeeds.of(batch);
    try {
      feeds.putAll(parameterTensors);
      try (OrtSession.Result r = forwardSession.run(feeds, Set.of(DpoTrainingGraph.LOGPS))) {
        return Tensors.toFloats(r.get(DpoTrainingGraph.LOGPS).get());
      }
    } finally {
      BatchFeeds.closeExcept(feeds, parameterTensors);
    }
  }

  @Override
  public void close() {
    trainSession.close();
    forwardSession.close();
    parameterTensors.values().forEach(OnnxTensor::close);
    gradientTensors.values().forEach(OnnxTensor::close);
    lossTensor.close();
  }
}
