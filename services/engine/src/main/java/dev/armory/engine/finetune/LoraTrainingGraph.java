package dev.armory.engine.finetune;

import dev.armory.engine.autodiff.Autodiff;
import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Value;
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
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The graphs of LoRA fine-tuning on a causal LM: one training step (forward, mean token loss, and
 * the gradient of every adapter factor) and one evaluation pass (forward and loss). Both read the
 * same frozen base weights: fp32 initializers over the checkpoint, or NF4 quantised once.
 */
public final class LoraTrainingGraph {
  /** Graph input of the per-step dropout seed. */
  public static final String DROPOUT_SEED = "dropout_seed";

  /** Prefix of gradient outputs: {@code grad.<PEFT key>}. */
  public static final String GRAD_PREFIX = "grad.";

  private final GraphBuilder train;
  private final GraphBuilder eval;
  private final Map<String, String> gradientOutputs = new LinkedHashMap<>();
  private final Nf4Linears nf4;

  private LoraTrainingGraph(GraphBuilder train, GraphBuilder eval, Nf4Linears nf4) {
    this.train = train;
    this.eval = eval;
    this.nf4 = nf4;
  }

  /** Builds both graphs for {@code adapter} over the model's weights held as {@code base}. */
  public static LoraTrainingGraph build(
      ModelArchitecture arch, ModelParameters params, LoraAdapter adapter, BaseWeights base) {
    Nf4Linears nf4 = nf4(params, base);
    LinearLayers frozen = nf4 != null ? nf4 : new DenseLinears(params);
    GraphBuilder train = GraphBuilder.create("lora-train");
    Value seed =
        adapter.config().dropout() > 0 ? train.input(DROPOUT_SEED, ElementType.INT64) : null;
    LoraLinears lora = LoraLinears.trainable(frozen, adapter, seed);
    CausalLmGraph.Options options = CausalLmGraph.Options.training().packing().withLinears(lora);
    ForwardGraph f = CausalLmGraph.build(train, arch, params, options);
    LoraTrainingGraph g = new LoraTrainingGraph(train, GraphBuilder.create("lora-eval"), nf4);
    Map<Value, Value> grads =
        Autodiff.gradients(train, f.loss(), java.util.List.copyOf(lora.parameterInputs().values()));
    lora.parameterInputs()
        .forEach(
            (key, v) ->
                g.gradientOutputs.put(key, train.output(grads.get(v), GRAD_PREFIX + key).name()));
    // The eval graph reads the same factors as inputs, without dropout.
    LoraLinears evalLora = LoraLinears.trainable(frozen, adapter.withoutDropout(), null);
    CausalLmGraph.build(g.eval, arch, params, options.withLinears(evalLora));
    return g;
  }

  /** The NF4 layers that hold the base weights as {@code base} says, or null for float32. */
  static Nf4Linears nf4(ModelParameters params, BaseWeights base) {
    return base == BaseWeights.FLOAT32
        ? null
        : new Nf4Linears(params, Nf4Quantizer.qlora(base == BaseWeights.NF4));
  }

  public GraphBuilder trainingGraph() {
    return train;
  }

  public GraphBuilder evaluationGraph() {
    return eval;
  }

  /** Gradient output names by PEFT key. */
  public Map<String, String> gradientOutputs() {
    return gradientOutputs;
  }

  /** True when the base weights are NF4 (sessions must keep constant folding off). */
  public boolean quantized() {
    return nf4 != null;
  }

  /** The NF4 layers (byte accounting), or null for an fp32 base. */
  public Nf4Linears nf4() {
    return nf4;
  }
}
