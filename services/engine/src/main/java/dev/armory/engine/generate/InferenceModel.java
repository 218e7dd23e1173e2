package dev.armory.engine.generate;

import ai.onnxruntime.OnnxTensor;
import dev.armory.engine.generate.adapters.SlotStacks;
import dev.armory.engine.generate.kv.BatchedLoraLinears;
import dev.armory.engine.generate.kv.KvCacheGraph;
import dev.armory.engine.generate.kv.KvDecoder;
import dev.armory.engine.generate.kv.KvNames;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.models.CheckpointBinding;
import dev.armory.engine.models.DenseLinears;
import dev.armory.engine.models.LinearLayers;
import dev.armory.engine.models.LinearModule;
import dev.armory.engine.models.ModelArchitecture;
import dev.armory.engine.models.ModelParameters;
import dev.armory.engine.quant.Int4Linears;
import dev.armory.engine.quant.Nf4Linears;
import dev.armory.engine.quant.Nf4Quantizer;
import dev.armory.engine.quant.QuantizedGraphs;
import dev.armory.engine.runtime.GraphSession;
import dev.armory.engine.runtime.SessionConfig;
import dev.armory.engine.runtime.Tensors;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The base model in its weight format and the inference session over it. The session's graph has a
 * LoRA branch on the union of modules targeted by loaded adapters; when that union grows the
 * session is rebuilt (quantised weights are kept, the KV cache lives outside the session). Tensors
 * over the adapter stacks are reused until the stacks are replaced.
 */
final class InferenceModel implements AutoCloseable {
  private final ModelArchitecture architecture;
  private final ModelParameters parameters;
  private final LinearLayers base;
  private final KvCacheGraph.Options options;
  private final SessionConfig session;
  private KvDecoder decoder;
  private Set<String> loraModules = Set.of();
  private long builds;
  private long stacksVersion = -1;
  private final Map<String, OnnxTensor> loraTensors = new HashMap<>();

  InferenceModel(
      CheckpointBinding checkpoint,
      WeightFormat format,
      KvCacheGraph.Options options,
      SessionConfig session) {
    this.architecture = checkpoint.architecture();
    this.parameters = ModelParameters.frozen(checkpoint);
    this.options = options;
    this.base =
        switch (format) {
          case FP32 -> new DenseLinears(parameters);
          case NF4 -> new Nf4Linears(parameters, Nf4Quantizer.qlora(true));
          case INT4 -> new Int4Linears(parameters, Int4Linears.DEFAULT_BLOCK_SIZE);
        };
    // NF4 weights must not be folded back into float32 by ONNX Runtime's constant folding.
    this.session = format == WeightFormat.NF4 ? QuantizedGraphs.sessionConfig(session) : session;
  }

  ModelArchitecture architecture() {
    return architecture;
  }

  long builds() {
    return builds;
  }

  /** The decoder for the adapters in {@code stacks}, rebuilt when their modules are new to it. */
  KvDecoder decoder(SlotStacks stacks) {
    Set<String> wanted = new LinkedHashSet<>(loraModules);
    for (LinearModule m : stacks.modules()) {
      wanted.add(m.name());
    }
    if (decoder == null || !wanted.equals(loraModules)) {
      KvDecoder old = decoder;
      decoder = null;
      closeLoraTensors();
      if (old != null) {
        old.close();
      }
      GraphBuilder b = GraphBuilder.create("decode-" + architecture.modelType());
      LinearLayers linears = wanted.isEmpty() ? base : new BatchedLoraLinears(base, wanted);
      KvCacheGraph graph = KvCacheGraph.build(b, architecture, parameters, linears, options);
      decoder =
          new KvDecoder(
              graph,
              GraphSession.create(graph.graph(), session),
              architecture.config().vocabularySize());
      loraModules = Set.copyOf(wanted);
      builds++;
    }
    return decoder;
  }

  /** Tensors over the stacks for the session's LoRA inputs (empty without LoRA branches). */
  Map<String, OnnxTensor> loraInputs(SlotStacks stacks) {
    if (loraModules.isEmpty()) {
      return Map.of();
    }
    if (stacks.version() != stacksVersion) {
      closeLoraTensors();
      for (LinearModule m : stacks.modules()) {
        if (!loraModules.contains(m.name())) {
          continue;
        }
        FloatBuffer a = stacks.a().get(m.name());
        FloatBuffer b = stacks.b().get(m.name());
        loraTensors.put(
            KvNames.loraA(m.name()),
            Tensors.wrap(a, stacks.slots(), stacks.rank(), m.inFeatures()));
        loraTensors.put(
            KvNames.loraB(m.name()),
            Tensors.wrap(b, stacks.slots(), m.outFeatures(), stacks.rank()));
      }
      stacksVersion = stacks.version();
    }
    return loraTensors;
  }

  private void closeLoraTensors() {
    loraTensors.values().forEach(OnnxTensor::close);
    loraTensors.clear();
    stacksVersion = -1;
  }

  @Override
  public void close() {
    closeLoraTensors();
    if (decoder != null) {
      decoder.close();
      decoder = null;
    }
  }
}
