package dev.armory.engine.models;

import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Value;
import dev.armory.engine.hf.Gpt2Config;
import dev.armory.engine.nn.Activations;
import dev.armory.engine.nn.Attention;
import java.util.List;
import java.util.function.UnaryOperator;

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
      LinearLayers linears,
      Normalization norms) {
    super(b, arch, params, linears, norms);
    this.c = c;
  }

  @Override
  SelfAttention sequenceAttention(CausalLmGraph.DecoderInputs in) {
    Value mask = Attention.causalMask(b, in.attentionMask(), 0, in.segmentIds());
    return (g, layer, q, k, v) ->
        Attention.groupedQuery(
            g, q, k, v, mask, c.numberOfHeads(), c.numberOfHeads(), c.headSize(), null, null);
  }

  @Override
  Value logits(
      CausalLmGraph.DecoderInputs in, SelfAttention attention, UnaryOperator<Value> beforeHead) {
    Value tokens =
        in.inputsEmbeds() != null
            ? in.inputsEmbeds()
            : b.gather(params.get(b, "transformer.wte.weight"), in.inputIds(), 0);
    Value h = b.add(tokens, b.gather(params.get(b, "transformer.wpe.weight"), in.positionIds(), 0));
    Value x = layerNorm("transformer.h.0.ln_1", h);
    for (int layer = 0; layer < c.numberOfLayers(); layer++) {
      String next =
          layer + 1 < c.numberOfLayers()
              ? "transformer.h." + (layer + 1) + ".ln_1"
              : "transformer.ln_f";
      try (var s = b.scope("transformer.h." + layer)) {
        Value[] hx = block(layer, h, x, attention, next);
        h = hx[0];
        x = hx[1];
      }
    }
    Value head =
        c.tieWordEmbeddings()
            ? params.get(b, "transformer.wte.weight")
            : params.get(b, "lm_head.weight");
    return head(x, head, beforeHead);
  }

  /**
   * One block over the residual stream h and its ln_1-normalised x; returns the new stream and its
   * normalisation by the LayerNorm {@code nextNorm} (the next block's ln_1, or ln_f).
   */
  private Value[] block(int layer, Value h, Value x, SelfAttention attention, String nextNorm) {
    String p = "transformer.h." + layer + ".";
    long hidden = c.hiddenSize();
    List<Value> qkv = b.split(linear(p + "attn.c_attn", x), -1, hidden, hidden, hidden);
    Value attn = attention.apply(b, layer, qkv.get(0), qkv.get(1), qkv.get(2));
    Value[] hx = addThenLayerNorm(h, linear(p + "attn.c_proj", attn), p + "ln_2");
    Value inner = Activations.geluTanh(b, linear(p + "mlp.c_fc", hx[1]));
    return addThenLayerNorm(hx[0], linear(p + "mlp.c_proj", inner), nextNorm);
  }

  private Value layerNorm(String module, Value x) {
    return norms.layer(
        b,
        x,
        params.get(b, module + ".weight"),
        params.get(b, module + ".bias"),
        c.layerNormEpsilon());
  }

  private Value[] addThenLayerNorm(Value h, Value delta, String module) {
    return norms.addThenLayer(
        b,
        h,
        delta,
        params.get(b, module + ".weight"),
        params.get(b, module + ".bias"),
        c.layerNormEpsilon());
  }
}
