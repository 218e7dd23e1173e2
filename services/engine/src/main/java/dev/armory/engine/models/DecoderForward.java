package dev.armory.engine.models;

import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Value;
import java.util.function.UnaryOperator;

/**
 * What every decoder forward builder holds: the graph, the architecture, parameters, linears and
 * normalisations.
 */
abstract class DecoderForward {
  final GraphBuilder b;
  final ModelArchitecture arch;
  final ModelParameters params;
  final LinearLayers linears;
  final Normalization norms;

  DecoderForward(
      GraphBuilder b,
      ModelArchitecture arch,
      ModelParameters params,
      LinearLayers linears,
      Normalization norms) {
    this.b = b;
    this.arch = arch;
    this.params = params;
    this.linears = linears;
    this.norms = norms;
  }

  /** The self-attention of the training forward: within the sequence, under the inputs' mask. */
  abstract SelfAttention sequenceAttention(CausalLmGraph.DecoderInputs in);

  /**
   * Logits [B, T, V] over the inputs' tokens (or embeddings) and positions, with {@code attention}
   * in every layer and {@code beforeHead} (may be null) applied before the output head.
   */
  abstract Value logits(
      CausalLmGraph.DecoderInputs in, SelfAttention attention, UnaryOperator<Value> beforeHead);

  /** The named linear module applied to x, in a scope named like "self_attn.q_proj". */
  final Value linear(String module, Value x) {
    String scope = module.substring(module.lastIndexOf('.', module.lastIndexOf('.') - 1) + 1);
    try (var s = b.scope(scope)) {
      return linears.apply(b, arch.linearModule(module), x);
    }
  }

  /** The output head over the final hidden states, after {@code beforeHead}. */
  final Value head(Value h, Value weight, UnaryOperator<Value> beforeHead) {
    Value x = beforeHead == null ? h : beforeHead.apply(h);
    try (var s = b.scope("lm_head")) {
      return dev.armory.engine.nn.Linear.xWt(b, x, weight, null); // [B,T,V]
    }
  }
}
