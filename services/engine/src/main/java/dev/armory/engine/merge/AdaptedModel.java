package dev.armory.engine.merge;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.armory.engine.finetune.BaseWeights;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.hf.HfModelDir;
import dev.armory.engine.models.CausalLmGraph;
import dev.armory.engine.models.DenseLinears;
import dev.armory.engine.models.ForwardGraph;
import dev.armory.engine.models.LinearLayers;
import dev.armory.engine.models.ModelArchitecture;
import dev.armory.engine.models.ModelParameters;
import dev.armory.engine.peft.LoraAdapter;
import dev.armory.engine.peft.LoraLinears;
import dev.armory.engine.quant.Nf4Linears;
import dev.armory.engine.quant.Nf4Quantizer;
import dev.armory.engine.quant.QuantizedGraphs;
import dev.armory.engine.runtime.GraphSession;
import dev.armory.engine.runtime.SessionConfig;
import dev.armory.engine.runtime.Tensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A base model with LoRA adapters applied at run time, never merged: the training forward ({@link
 * CausalLmGraph}) over the base as training held it (float32, or NF4 through MatMulBnb4 as in
 * QLoRA) with each adapter's branch added ({@link LoraLinears#frozen} for one adapter at weight 1,
 * {@link WeightedLoraLinears} otherwise). Merged and exported models are checked against its
 * logits.
 */
public final class AdaptedModel implements AutoCloseable {
  private final HfModelDir model;
  private final GraphSession session;
  private final int vocabulary;

  private AdaptedModel(HfModelDir model, GraphSession session, int vocabulary) {
    this.model = model;
    this.session = session;
    this.vocabulary = vocabulary;
  }

  /**
   * Opens {@code modelDir} with {@code adapters} applied over {@code base} weights (no adapters:
   * the base alone).
   */
  public static AdaptedModel open(
      Path modelDir, List<WeightedAdapter> adapters, BaseWeights base, SessionConfig config)
      throws IOException {
    HfModelDir model = HfModelDir.open(modelDir);
    try {
      ModelArchitecture arch = ModelArchitecture.of(model.config());
      ModelParameters params = ModelParameters.frozen(arch.bind(model.weights()));
      LinearLayers linears =
          base == BaseWeights.FLOAT32
              ? new DenseLinears(params)
              : new Nf4Linears(params, Nf4Quantizer.qlora(base == BaseWeights.NF4));
      List<WeightedLoraLinears.Weighted> loaded = new ArrayList<>();
      for (WeightedAdapter a : adapters) {
        loaded.add(
            new WeightedLoraLinears.Weighted(
                LoraAdapter.load(AdapterProvenance.adapterDirectory(a.directory()), arch),
                a.weight()));
      }
      if (loaded.size() == 1 && loaded.get(0).weight() == 1.0) {
        linears = LoraLinears.frozen(linears, loaded.get(0).adapter());
      } else if (!loaded.isEmpty()) {
        linears = new WeightedLoraLinears(linears, loaded);
      }
      GraphBuilder b = GraphBuilder.create("adapted-" + arch.modelType());
      CausalLmGraph.build(b, arch, params, CausalLmGraph.Options.logitsOnly().withLinears(linears));
      GraphSession session =
          GraphSession.create(b.graph(), QuantizedGraphs.sessionConfig(b.graph(), config));
      return new AdaptedModel(model, session, arch.config().vocabularySize());
    } catch (IOException | RuntimeException e) {
      model.close();
      throw e;
    }
  }

  public int vocabularySize() {
    return vocabulary;
  }

  /** Logits [T·V] (row-major) of one sequence, every position attending to those before it. */
  public float[] logits(long[] tokens) {
    int t = tokens.length;
    long[] mask = new long[t];
    long[] positions = new long[t];
    for (int i = 0; i < t; i++) {
      mask[i] = 1;
      positions[i] = i;
    }
    Map<String, OnnxTensor> in = new HashMap<>();
    try {
      in.put(ForwardGraph.INPUT_IDS, Tensors.longs(tokens, 1, t));
      in.put(ForwardGraph.ATTENTION_MASK, Tensors.longs(mask, 1, t));
      in.put(ForwardGraph.POSITION_IDS, Tensors.longs(positions, 1, t));
      try (OrtSession.Result r = session.run(in)) {
        return Tensors.toFloats(r.get(ForwardGraph.LOGITS).get());
      }
    } finally {
      in.values().forEach(OnnxTensor::close);
    }
  }

  @Override
  public void close() throws IOException {
    session.close();
    model.close();
  }
}
