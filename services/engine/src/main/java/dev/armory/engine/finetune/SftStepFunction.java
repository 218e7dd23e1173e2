package dev.armory.engine.finetune;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
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
 * Runs LoRA training steps on ONNX Runtime: the adapter factors are fed zero-copy from the
 * trainer's buffers (which AdamW updates in place), gradients are written by ONNX Runtime into
 * buffers allocated once, and only the token arrays are new each step.
 */
public final class SftStepFunction implements StepFunction<SftBatch>, AutoCloseable {
  private final LoraTrainingGraph graphs;
  private final GraphSession trainSession;
  private final GraphSession evalSession;
  private final Map<String, OnnxTensor> parameterTensors = new LinkedHashMap<>();
  private final Map<String, OnnxTensor> gradientTensors = new LinkedHashMap<>();
  private final Map<String, FloatBuffer> gradients = new LinkedHashMap<>();
  private final OnnxTensor lossTensor;
  private final FloatBuffer lossBuffer;
  private final boolean hasDropout;

  public SftStepFunction(LoraTrainingGraph graphs, Parameters params, SessionConfig config) {
    this.graphs = graphs;
    SessionConfig c = graphs.quantized() ? QuantizedGraphs.sessionConfig(config) : config;
    this.trainSession = GraphSession.create(graphs.trainingGraph().graph(), c);
    this.evalSession = GraphSession.create(graphs.evaluationGraph().graph(), c);
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
  public StepOutput forwardBackward(SftBatch batch, Parameters params, SplitMix64 random) {
    Map<String, OnnxTensor> feeds = BatchFeeds.of(batch.data());
    try {
      feeds.putAll(parameterTensors);
      if (hasDropout) {
        feeds.put(LoraTrainingGraph.DROPOUT_SEED, Tensors.longs(new long[] {random.nextLong()}));
      }
      Map<String, OnnxTensor> outputs = new HashMap<>(gradientTensors);
      outputs.put(ForwardGraph.LOSS, lossTensor);
      trainSession.runInto(feeds, outputs);
      return new StepOutput(lossBuffer.get(0), batch.lossTokens(), gradients);
    } finally {
      BatchFeeds.closeExcept(feeds, parameterTensors);
    }
  }

  @Override
  public EvalOutput evaluate(SftBatch batch, Parameters params) {
    Map<String, OnnxTensor> feeds = BatchFeeds.of(batch.data());
    try {
      feeds.putAll(parameterTensors);
      try (OrtSession.Result r = evalSession.run(feeds, Set.of(ForwardGraph.LOSS))) {
        return new EvalOutput(
            Tensors.toFloats(r.get(ForwardGraph.LOSS).get())[0], batch.lossTokens());
      }
    } finally {
      BatchFeeds.closeExcept(feeds, parameterTensors);
    }
  }

  /** Ends ONNX Runtime profiling of the training session (when enabled) and returns its file. */
  public java.nio.file.Path endProfiling() {
    return trainSession.endProfiling();
  }

  public LoraTrainingGraph graphs() {
    return graphs;
  }

  @Override
  public void close() {
    trainSession.close();
    evalSession.close();
    parameterTensors.values().forEach(OnnxTensor::close);
    gradientTensors.values().forEach(OnnxTensor::close);
    lossTensor.close();
  }
}
