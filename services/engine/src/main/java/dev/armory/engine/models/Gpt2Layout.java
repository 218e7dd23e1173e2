package dev.armory.engine.models;

import dev.armory.engine.hf.Gpt2Config;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Builds the GPT2LMHeadModel description: Conv1D layers stored [in, out], tied output head. */
final class Gpt2Layout {
  static final List<String> DEFAULT_LORA_TARGETS = List.of("c_attn", "c_proj");

  /** The causal-mask buffers GPT-2 checkpoints carry; they are not parameters. */
  static final Pattern IGNORED =
      Pattern.compile("(transformer\\.)?h\\.\\d+\\.attn\\.(masked_)?bias");

  private final Gpt2Config c;
  private final List<ParameterSpec> parameters = new ArrayList<>();
  private final List<LinearModule> linears = new ArrayList<>();

  private Gpt2Layout(Gpt2Config c) {
    this.c = c;
  }

  static ModelArchitecture build(Gpt2Config c) {
    return new Gpt2Layout(c).build();
  }

  private ModelArchitecture build() {
    long vocab = c.vocabularySize();
    long hidden = c.hiddenSize();
    param("transformer.wte.weight", ParameterKind.EMBEDDING, vocab, hidden);
    param("transformer.wpe.weight", ParameterKind.EMBEDDING, c.maxPositionEmbeddings(), hidden);
    List<ModuleNode> blocks = new ArrayList<>();
    for (int i = 0; i < c.numberOfLayers(); i++) {
      blocks.add(block(i));
    }
    ModuleNode lnF = layerNorm("transformer.", "ln_f");
    if (!c.tieWordEmbeddings()) {
      param("lm_head.weight", ParameterKind.LM_HEAD, vocab, hidden);
    }
    ModuleNode transformer =
        ModuleNode.of(
            "transformer",
            "GPT2Model",
            ModuleNode.leaf("wte", "Embedding", vocab + ", " + hidden),
            ModuleNode.leaf("wpe", "Embedding", c.maxPositionEmbeddings() + ", " + hidden),
            dropout("drop", c.embeddingDropout()),
            new ModuleNode("h", "ModuleList", "", blocks),
            lnF);
    ModuleNode root =
        ModuleNode.of(
            "",
            "GPT2LMHeadModel",
            transformer,
            ModuleNode.leaf(
                "lm_head", "Linear", LlamaFamilyLayout.linearArgs(hidden, vocab, false)));
    return new ModelArchitecture(
        c, root, parameters, linears, DEFAULT_LORA_TARGETS, IGNORED, "transformer.");
  }

  private ModuleNode block(int i) {
    String base = "transformer.h." + i + ".";
    int hidden = c.hiddenSize();
    ModuleNode ln1 = layerNorm(base, "ln_1");
    ModuleNode attention =
        ModuleNode.of(
            "attn",
            "GPT2Attention",
            conv1d(base, i, "attn", "c_attn", ParameterKind.ATTENTION, hidden, 3 * hidden),
            conv1d(base, i, "attn", "c_proj", ParameterKind.ATTENTION, hidden, hidden),
            dropout("attn_dropout", c.attentionDropout()),
            dropout("resid_dropout", c.residualDropout()));
    ModuleNode ln2 = layerNorm(base, "ln_2");
    ModuleNode mlp =
        ModuleNode.of(
            "mlp",
            "GPT2MLP",
            conv1d(base, i, "mlp", "c_fc", ParameterKind.MLP, hidden, c.innerSize()),
            conv1d(base, i, "mlp", "c_proj", ParameterKind.MLP, c.innerSize(), hidden),
            ModuleNode.leaf("act", "NewGELUActivation", ""),
            dropout("dropout", c.residualDropout()));
    return ModuleNode.of(String.valueOf(i), "GPT2Block", ln1, attention, ln2, mlp);
  }

  private ModuleNode conv1d(
      String base, int layer, String block, String name, ParameterKind kind, int in, int out) {
    String module = base + block + "." + name;
    param(module + ".weight", kind, in, out);
    param(module + ".bias", kind, out);
    linears.add(
        new LinearModule(
            module,
            name,
            block + "." + name,
            layer,
            kind,
            in,
            out,
            true,
            LinearModule.Layout.CONV1D,
            module + ".weight",
            module + ".bias",
            DEFAULT_LORA_TARGETS.contains(name)));
    return ModuleNode.leaf(name, "Conv1D", "nf=" + out + ", nx=" + in);
  }

  private ModuleNode layerNorm(String base, String name) {
    param(base + name + ".weight", ParameterKind.NORM, c.hiddenSize());
    param(base + name + ".bias", ParameterKind.NORM, c.hiddenSize());
    return ModuleNode.leaf(
        name,
        "LayerNorm",
        "("
            + c.hiddenSize()
            + ",), eps="
            + ModuleTree.pythonFloat(c.layerNormEpsilon())
            + ", elementwise_affine=True");
  }

  private static ModuleNode dropout(String name, double p) {
    return ModuleNode.leaf(name, "Dropout", "p=" + ModuleTree.pythonFloat(p) + ", inplace=False");
  }

  private void param(String name, ParameterKind kind, long... shape) {
    parameters.add(new ParameterSpec(name, shape, kind, name.substring(0, name.lastIndexOf('.'))));
  }
}
