package dev.armory.engine.models;

import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.TensorData;
import dev.armory.engine.graph.Value;
import dev.armory.engine.hf.LlamaConfig;
import dev.armory.engine.nn.Activations;
import dev.armory.engine.nn.Attention;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The Llama-family decoder (Llama 2/3, Mistral, Qwen2, SmolLM, TinyLlama): embedding, then per
 * layer RMSNorm → GQA attention with RoPE → residual, RMSNorm → SwiGLU MLP → residual; final
 * RMSNorm and the output head (or the tied embedding).
 */
final class LlamaForward extends DecoderForward {
  private final LlamaConfig c;

  LlamaForward(
      GraphBuilder b,
      ModelArchitecture arch,
      LlamaConfig c,
      ModelParameters params,
      LinearLayers linears,
      Normalization norms) {
    super(b, arch, params, linears, norms);
    this.c = c;
  }

  @Override
  SelfAttention sequenceAttention(CausalLmGraph.DecoderInputs in) {
    List<Value> cosSin = rotary(in.positionIds());
    Map<Integer, Value> masks = new HashMap<>(); // by window size, 0 = none
    return (g, layer, q, k, v) -> {
      Integer window = c.slidingWindowOfLayer(layer);
      Value mask =
          masks.computeIfAbsent(
              window == null ? 0 : window,
              w -> Attention.causalMask(g, in.attentionMask(), w, in.segmentIds()));
      return Attention.groupedQuery(
          g,
          q,
          k,
          v,
          mask,
          c.numberOfHeads(),
          c.numberOfKeyValueHeads(),
          c.headSize(),
          cosSin.get(0),
          cosSin.get(1));
    };
  }

  @Override
  Value logits(
      CausalLmGraph.DecoderInputs in, SelfAttention attention, UnaryOperator<Value> beforeHead) {
    Value h =
        in.inputsEmbeds() != null
            ? in.inputsEmbeds()
            : b.gather(params.get(b, "model.embed_tokens.weight"), in.inputIds(), 0); // [B,T,C]
    double eps = c.rmsNormEpsilon();
    Value x = norms.rms(b, h, params.get(b, "model.layers.0.input_layernorm.weight"), eps);
    for (int layer = 0; layer < c.numberOfLayers(); layer++) {
      String next =
          layer + 1 < c.numberOfLayers()
              ? "model.layers." + (layer + 1) + ".input_layernorm.weight"
              : "model.norm.weight";
      try (var s = b.scope("model.layers." + layer)) {
        Value[] hx = decoderLayer(layer, h, x, attention, params.get(b, next));
        h = hx[0];
        x = hx[1];
      }
    }
    Value head =
        c.tieWordEmbeddings()
            ? params.get(b, "model.embed_tokens.weight")
            : params.get(b, "lm_head.weight");
    return head(x, head, beforeHead);
  }

  /**
   * One decoder layer over the residual stream h and its input-normalised x; returns the new stream
   * and its normalisation by {@code nextNorm} (the next layer's input norm, or the final norm).
   */
  private Value[] decoderLayer(
      int layer, Value h, Value x, SelfAttention attention, Value nextNorm) {
    String p = "model.layers." + layer + ".";
    double eps = c.rmsNormEpsilon();
    Value q = linear(p + "self_attn.q_proj", x);
    Value k = linear(p + "self_attn.k_proj", x);
    Value v = linear(p + "self_attn.v_proj", x);
    Value attn = attention.apply(b, layer, q, k, v);
    Value[] hx =
        norms.addThenRms(
            b,
            h,
            linear(p + "self_attn.o_proj", attn),
            params.get(b, p + "post_attention_layernorm.weight"),
            eps);
    Value gate = Activations.silu(b, linear(p + "mlp.gate_proj", hx[1]));
    Value up = linear(p + "mlp.up_proj", hx[1]);
    return norms.addThenRms(b, hx[0], linear(p + "mlp.down_proj", b.mul(gate, up)), nextNorm, eps);
  }

  /** cos/sin [B, T, D] for the position ids, from tables sized to max_position_embeddings. */
  private List<Value> rotary(Value positionIds) {
    float[][] cs = LlamaRotary.cosSin(c);
    long[] shape = {c.maxPositionEmbeddings(), c.headSize()};
    Value cos = b.initializer("rope.cos", TensorData.ofFloatsAs(params.dtype(), shape, cs[0]));
    Value sin = b.initializer("rope.sin", TensorData.ofFloatsAs(params.dtype(), shape, cs[1]));
    return Attention.rotaryAt(b, cos, sin, positionIds);
  }
}
