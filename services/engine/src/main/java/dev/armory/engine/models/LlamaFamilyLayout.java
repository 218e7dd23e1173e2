package dev.armory.engine.models;

import dev.armory.engine.hf.LlamaConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Builds the Llama-family description (LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM). */
final class LlamaFamilyLayout {
  static final List<String> DEFAULT_LORA_TARGETS = List.of("q_proj", "k_proj", "v_proj", "o_proj");

  /** Buffers older checkpoints saved beside the parameters. */
  static final Pattern IGNORED =
      Pattern.compile("model\\.layers\\.\\d+\\.self_attn\\.rotary_emb\\.inv_freq");

  private final LlamaConfig c;
  private final String prefix; // "Llama", "Mistral", "Qwen2"
  private final List<ParameterSpec> parameters = new ArrayList<>();
  private final List<LinearModule> linears = new ArrayList<>();

  private LlamaFamilyLayout(LlamaConfig c) {
    this.c = c;
    this.prefix = c.modelType().classPrefix();
  }

  static ModelArchitecture build(LlamaConfig c) {
    return new LlamaFamilyLayout(c).build();
  }

  private ModelArchitecture build() {
    long vocab = c.vocabularySize();
    long hidden = c.hiddenSize();
    param("model.embed_tokens.weight", ParameterKind.EMBEDDING, vocab, hidden);
    List<ModuleNode> layers = new ArrayList<>();
    for (int i = 0; i < c.numberOfLayers(); i++) {
      layers.add(decoderLayer(i));
    }
    param("model.norm.weight", ParameterKind.NORM, hidden);
    if (!c.tieWordEmbeddings()) {
      param("lm_head.weight", ParameterKind.LM_HEAD, vocab, hidden);
    }
    String embeddingArgs =
        vocab + ", " + hidden + (c.padTokenId() != null ? ", padding_idx=" + c.padTokenId() : "");
    ModuleNode model =
        ModuleNode.of(
            "model",
            prefix + "Model",
            ModuleNode.leaf("embed_tokens", "Embedding", embeddingArgs),
            new ModuleNode("layers", "ModuleList", "", layers),
            norm("norm"),
            ModuleNode.leaf("rotary_emb", prefix + "RotaryEmbedding", ""));
    ModuleNode root =
        ModuleNode.of(
            "",
            c.modelType().causalLmClass(),
            model,
            ModuleNode.leaf("lm_head", "Linear", linearArgs(hidden, vocab, false)));
    return new ModelArchitecture(c, root, parameters, linears, DEFAULT_LORA_TARGETS, IGNORED, "");
  }

  private ModuleNode decoderLayer(int i) {
    String base = "model.layers." + i + ".";
    int q = c.numberOfHeads() * c.headSize();
    int kv = c.numberOfKeyValueHeads() * c.headSize();
    int hidden = c.hiddenSize();
    int inter = c.intermediateSize();
    // Registration order matters: it is both the repr order and the state-dict order.
    ModuleNode attention =
        ModuleNode.of(
            "self_attn",
            prefix + "Attention",
            linear(
                base,
                i,
                "self_attn",
                "q_proj",
                ParameterKind.ATTENTION,
                hidden,
                q,
                c.queryKeyValueBias()),
            linear(
                base,
                i,
                "self_attn",
                "k_proj",
                ParameterKind.ATTENTION,
                hidden,
                kv,
                c.queryKeyValueBias()),
            linear(
                base,
                i,
                "self_attn",
                "v_proj",
                ParameterKind.ATTENTION,
                hidden,
                kv,
                c.queryKeyValueBias()),
            linear(
                base,
                i,
                "self_attn",
                "o_proj",
                ParameterKind.ATTENTION,
                q,
                hidden,
                c.outputProjectionBias()));
    ModuleNode mlp =
        ModuleNode.of(
            "mlp",
            prefix + "MLP",
            linear(base, i, "mlp", "gate_proj", ParameterKind.MLP, hidden, inter, c.mlpBias()),
            linear(base, i, "mlp", "up_proj", ParameterKind.MLP, hidden, inter, c.mlpBias()),
            linear(base, i, "mlp", "down_proj", ParameterKind.MLP, inter, hidden, c.mlpBias()),
            ModuleNode.leaf("act_fn", "SiLU", ""));
    param(base + "input_layernorm.weight", ParameterKind.NORM, hidden);
    param(base + "post_attention_layernorm.weight", ParameterKind.NORM, hidden);
    return ModuleNode.of(
        String.valueOf(i),
        prefix + "DecoderLayer",
        attention,
        mlp,
        norm("input_layernorm"),
        norm("post_attention_layernorm"));
  }

  private ModuleNode linear(
      String base,
      int layer,
      String block,
      String name,
      ParameterKind kind,
      int in,
      int out,
      boolean bias) {
    String module = base + block + "." + name;
    param(module + ".weight", kind, out, in);
    if (bias) {
      param(module + ".bias", kind, out);
    }
    linears.add(
        new LinearModule(
            module,
            name,
            block + "." + name,
            layer,
            kind,
            in,
            out,
            bias,
            LinearModule.Layout.LINEAR,
            module + ".weight",
            bias ? module + ".bias" : null,
            DEFAULT_LORA_TARGETS.contains(name)));
    return ModuleNode.leaf(name, "Linear", linearArgs(in, out, bias));
  }

  private ModuleNode norm(String name) {
    return ModuleNode.leaf(
        name,
        prefix + "RMSNorm",
        "(" + c.hiddenSize() + ",), eps=" + ModuleTree.pythonFloat(c.rmsNormEpsilon()));
  }

  static String linearArgs(long in, long out, boolean bias) {
    return "in_features=" + in + ", out_features=" + out + ", bias=" + (bias ? "True" : "False");
  }

  private void param(String name, ParameterKind kind, long... shape) {
    String module = name.substring(0, name.lastIndexOf('.'));
    parameters.add(new ParameterSpec(name, shape, kind, module));
  }
}
