package dev.armory.engine.models;

import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Value;

/**
 * What every decoder forward builder holds: the graph, the architecture, parameters and linears.
 */
abstract class DecoderForward {
  final GraphBuilder b;
  final ModelArchitecture arch;
  final ModelParameters params;
  final LinearLayers linears;

  DecoderForward(
      GraphBuilder b, ModelArchitecture arch, ModelParameters params, LinearLayers linears) {
    this.b = b;
    this.arch = arch;
    this.params = params;
    this.linears = linears;
  }

  /** Logits [B, T, V] of the decoder over its inputs. */
  abstract Value logits(CausalLmGraph.DecoderInputs in);

  /** The named linear module applied to x, in a scope named like "self_attn.q_proj". */
  final Value linear(String module, Value x) {
    String scope = module.substring(module.lastIndexOf('.', module.lastIndexOf('.') - 1) + 1);
    try (var s = b.scope(scope)) {
      return linears.apply(b, arch.linearModule(module), x);
    }
  }
}
