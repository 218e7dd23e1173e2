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
import dev.armory.engine.nn.CrossEntropy;
import dev.armory.engine.nn.DpoLoss;
import dev.armory.engine.peft.LoraAdapter;
import dev.armory.engine.peft.LoraLinears;
import dev.armory.engine.quant.Nf4Linears;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The graphs of DPO on a LoRA/QLoRA causal LM. Both take a DPO batch ({@code 2P} rows: the chosen
 * sequences, then the rejected ones; labels only on completion tokens) and read the same frozen
 * base weights:
 *
 * <ul>
 *   <li>the training step: sequence log-probs of every row, the DPO loss against the reference
 *       log-probs fed as the input {@value #REFERENCE_LOGPS}, the per-pair rewards, and the
 *       gradient of every adapter factor;
 *   <li>the forward pass: sequence log-probs only. Fed the starting factors it is the reference
 *       policy (B = 0 gives the base model exactly), so the reference costs no second model; fed
 *       the current factors it evaluates.
 * </ul>
 */
public final class DpoTrainingGraph {
  /** Graph input of the reference log-probs, [rows]. */
  public static final String REFERENCE_LOGPS = "reference_logps";

  /** Graph output of the policy's sequence log-probs, [rows]. */
  public static final String LOGPS = "logps";

  /** Graph outputs of the per-pair implicit rewards, [pairs]. */
  public static final String REWARDS_CHOSEN = "rewards_chosen";

  public static final String REWARDS_REJECTED = "rewards_rejected";

  private final GraphBuilder train;
  private final GraphBuilder forward;
  private final Map<String, String> gradientOutputs = new LinkedHashMap<>();
  private final Nf4Linears nf4;

  private DpoTrainingGraph(GraphBuilder train, GraphBuilder forward, Nf4Linears nf4) {
    this.train = train;
    this.forward = forward;
    this.nf4 = nf4;
  }

  /**
   * Builds both graphs for {@code adapter} over the model's weights held as {@code base}, in the
   * precision of {@code params} (float64 parameters give a float64 graph for gradient checks).
   */
  public static DpoTrainingGraph build(
      ModelArchitecture arch,
      ModelParameters params,
      LoraAdapter adapter,
      BaseWeights base,
      double beta,
      double labelSmoothing) {
    Nf4Linears nf4 = LoraTrainingGraph.nf4(params, base);
    LinearLayers frozen = nf4 != null ? nf4 : new DenseLinears(params);
    GraphBuilder train = GraphBuilder.create("dpo-train");
    Value seed =
        adapter.config().dropout() > 0
            ? train.input(LoraTrainingGraph.DROPOUT_SEED, ElementType.INT64)
            : null;
    LoraLinears lora = LoraLinears.trainable(frozen, adapter, seed);
    Value logps = sequenceLogProbs(train, arch, params, lora);
    Value reference = train.input(REFERENCE_LOGPS, logps.type(), "batch");
    DpoLoss.Outputs dpo = DpoLoss.build(train, logps, reference, beta, labelSmoothing);
    train.output(dpo.loss(), ForwardGraph.LOSS);
    train.output(dpo.chosenRewards(), REWARDS_CHOSEN);
    train.output(dpo.rejectedRewards(), REWARDS_REJECTED);
    DpoTrainingGraph g = new DpoTrainingGraph(train, GraphBuilder.create("dpo-forward"), nf4);
    Map<Value, Value> grads =
        Autodiff.gradients(train, dpo.loss(), List.copyOf(lora.parameterInputs().values()));
    lora.parameterInputs()
        .forEach(
            (key, v) ->
                g.gradientOutputs.put(
                    key, train.output(grads.get(v), LoraTrainingGraph.GRAD_PREFIX + key).name()));
    // The forward graph reads the same factors as inputs, without dropout.
    sequenceLogProbs(
        g.forward, arch, params, LoraLinears.trainable(frozen, adapter.withoutDropout(), null));
    return g;
  }

  /** Adds the model over DPO batch inputs and returns the [rows] sequence log-probs (an output). */
  private static Value sequenceLogProbs(
      GraphBuilder b, ModelArchitecture arch, ModelParameters params, LoraLinears lora) {
    CausalLmGraph.Options options = CausalLmGraph.Options.logitsOnly().packing().withLinears(lora);
    ForwardGraph f = CausalLmGraph.build(b, arch, params, options);
    Value labels = b.input(ForwardGraph.LABELS, ElementType.INT64, "batch", "seq");
    return b.output(
        CrossEntropy.sequenceLogProbs(b, f.logits(), labels, ForwardGraph.IGNORE_INDEX), LOGPS);
  }

  public GraphBuilder trainingGraph() {
    return train;
  }

  /** The forward-only graph: the reference policy, and evaluation. */
  public GraphBuilder forwardGraph() {
    return forward;
  }

  /** Gradient output names by PEFT key. */
  public Map<String, String> gradientOutputs() {
    return gradientOutputs;
  }

  /** True when the base weights are NF4 (sessions must keep constant folding off). */
  public boolean quantized() {
    return nf4 != null;
  }
}
