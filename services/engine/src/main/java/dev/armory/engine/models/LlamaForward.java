package dev.armory.engine.models;

import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.TensorData;
import dev.armory.engine.graph.Value;
import dev.armory.engine.hf.LlamaConfig;
import dev.armory.engine.hf.RopeScaling;
import dev.armory.engine.nn.Activations;
import dev.armory.engine.nn.Attention;
import dev.armory.engine.nn.Linear;
import dev.armory.engine.nn.Norms;
import dev.armory.engine.nn.RotaryTables;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
      LinearLayers linears) {
    super(b, arch, params, linears);
    this.c = c;
  }

  @Override
  Value logits(CausalLmGraph.DecoderInputs in) {
    Value h =
        in.inputsEmbeds() != null
            ? in.inputsEmbeds()
            : b.gather(params.get(b, "model.embed_tokens.weight"), in.inputIds(), 0); // [B,T,C]
    List<Value> cosSin = rotary(in.positionIds());
    Map<Integer, Value> masks = new HashMap<>(); // by window size, 0 = none
    for (int layer = 0; layer < c.numberOfLayers(); layer++) {
      Integer window = c.slidingWindowOfLayer(layer);
      int w = window == null ? 0 : window;
      Value mask =
          masks.computeIfAbsent(
              w, k -> Attention.causalMask(b, in.attentionMask(), k, in.segmentIds()));
      try (var s = b.scope("model.layers." + layer)) {
        h = decoderLayer(layer, h, mask, cosSin.get(0), cosSin.get(1));
      }
    }
    h = Norms.rmsNorm(b, h, params.get(b, "model.norm.weight"), c.rmsNormEpsilon());
    Value head =
        c.tieWordEmbeddings()
            ? params.get(b, "model.embed_tokens.weight")
            : params.get(b, "lm_head.weight");
    try (var s = b.scope("lm_head")) {
      return Linear.xWt(b, h, head, null); // [B,T,V]
    }
  }

  private Value decoderLayer(int layer, Value h, Value mask, Value cos, Value sin) {
    String p = "model.layers." + layer + ".";
    Value x = Norms.rmsNorm(b, h, params.get(b, p + "input_layernorm.weight"), c.rmsNormEpsilon());
    Value q = linear(p + "self_attn.q_proj", x);
    Value k = linear(p + "self_attn.k_proj", x);
    Value v = linear(p + "self_attn.v_proj", x);
    Value attn =
        Attention.groupedQuery(
            b, q, k, v, mask, c.numberOfHeads(), c.numberOfKeyValueHeads(), c.headSize(), cos, sin);
    h = b.add(h, linear(p + "self_attn.o_proj", attn));
    x =
        Norms.rmsNorm(
            b, h, params.get(b, p + "post_attention_layernorm.weight"), c.rmsNormEpsilon());
    Value gate = Activations.silu(b, linear(p + "mlp.gate_proj", x));
    Value up = linear(p + "mlp.up_proj", x);
    return b.add(h, linear(p + "mlp.down_proj", b.mul(gate, up)));
  }

  /** cos/sin [B, T, D] for the position ids, from tables sized to max_position_embeddings. */
  private List<Value> rotary(Value positionIds) {
    RotaryTables.Scaling scaling = scaling(c.ropeScaling());
    float[][] cs =
        RotaryTables.cosSin(c.maxPositionEmbeddings(), c.headSize(), c.ropeTheta(), scaling);
    long[] shape = {c.maxPositionEmbeddings(), c.headSize()};
    Value cos = b.initializer("rope.cos", TensorData.ofFloatsAs(params.dtype(), shape, cs[0]));
    Value sin = b.initializer("rope.sin", TensorData.ofFloatsAs(params.dtype(), shape, cs[1]));
    return Attention.rotaryAt(b, cos, sin, positionIds);
  }

  static RotaryTables.Scaling scaling(RopeScaling r) {
    if (r == null) {
      return null;
    }
    return switch (r.kind()) {
      case LINEAR -> new RotaryTables.Scaling.Linear(r.factor());
      case LLAMA3 ->
          new RotaryTables.Scaling.Llama3(
              r.factor(),
              r.lowFrequencyFactor(),
              r.highFrequencyFactor(),
              r.originalMaxPositionEmbeddings());
    };
  }
}
