package dev.armory.engine.models;

import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Value;
import dev.armory.engine.hf.Gpt2Config;
import dev.armory.engine.nn.Activations;
import dev.armory.engine.nn.Attention;
import dev.armory.engine.nn.Linear;
import dev.armory.engine.nn.Norms;
import java.util.List;

/**
 * GPT-2: token plus learned position embeddings, then per block LayerNorm → attention through the
 * fused c_attn (q, k, v in one Conv1D) → c_proj → residual, LayerNorm → c_fc → gelu_new → c_proj →
 * residual; final LayerNorm and the output head tied to the token embedding.
 */
final class Gpt2Forward extends DecoderForward {
  private final Gpt2Config c;

  Gpt2Forward(
      GraphBuilder b,
      ModelArchitecture arch,
      Gpt2Config c,
      ModelParameters params,
      LinearLayers linears) {
    super(b, arch, params, linears);
    this.c = c;
  }

  @Override
  Value logits(CausalLmGraph.DecoderInputs in) {
    Value tokens =
        in.inputsEmbeds() != null
            ? in.inputsEmbeds()
            : b.gather(params.get(b, "transformer.wte.weight"), in.inputIds(), 0);
    Value h = b.add(tokens, b.gather(params.get(b, "transformer.wpe.weight"), in.positionIds(), 0));
    Value mask = Attention.causalMask(b, in.attentionMask(), 0, in.segmentIds());
    for (int layer = 0; layer < c.numberOfLayers(); layer++) {
      try (var s = b.scope("transformer.h." + layer)) {
        h = block(layer, h, mask);
      }
    }
    h = layerNorm("transformer.ln_f", h);
    Value head =
        c.tieWordEmbeddings()
            ? params.get(b, "transformer.wte.weight")
            : params.get(b, "lm_head.weight");
    try (var s = b.scope("lm_head")) {
      return Linear.xWt(b, h, head, null); // [B,T,V]
    }
  }

  private Value block(int layer, Value h, Value mask) {
    String p = "transformer.h." + layer + ".";
    long hidden = c.hiddenSize();
    Value x = layerNorm(p + "ln_1", h);
    List<Value> qkv = b.split(linear(p + "attn.c_attn", x), -1, hidden, hidden, hidden);
    Value attn =
        Attention.groupedQuery(
            b,
            qkv.get(0),
            qkv.get(1),
            qkv.get(2),
            mask,
            c.numberOfHeads(),
            c.numberOfHeads(),
            c.headSize(),
            null,
            null);
    h = b.add(h, linear(p + "attn.c_proj", attn));
    x = layerNorm(p + "ln_2", h);
    Value inner = Activations.geluTanh(b, linear(p + "mlp.c_fc", x));
    return b.add(h, linear(p + "mlp.c_proj", inner));
  }

  private Value layerNorm(String module, Value x) {
    return Norms.layerNorm(
        b,
        x,
        params.get(b, module + ".weight"),
        params.get(b, module + ".bias"),
        c.layerNormEpsilon());
  }
}
