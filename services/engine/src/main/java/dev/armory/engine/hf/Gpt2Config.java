package dev.armory.engine.hf;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The GPT-2 config: learned positions, LayerNorm, fused-QKV Conv1D attention, a GELU (tanh) MLP and
 * an output head tied to the token embedding.
 *
 * @param maxPositionEmbeddings {@code n_positions}
 * @param hiddenSize {@code n_embd}
 * @param innerSize {@code n_inner}, default 4 × hidden size
 * @param activation {@code activation_function}, normalised to "gelu_new"
 */
public record Gpt2Config(
    int vocabularySize,
    int maxPositionEmbeddings,
    int hiddenSize,
    int numberOfLayers,
    int numberOfHeads,
    int innerSize,
    String activation,
    double layerNormEpsilon,
    double residualDropout,
    double embeddingDropout,
    double attentionDropout,
    boolean tieWordEmbeddings,
    Integer bosTokenId,
    List<Integer> eosTokenIds,
    String torchDtype)
    implements ModelConfig {

  public Gpt2Config {
    eosTokenIds = List.copyOf(eosTokenIds);
    if (Math.min(Math.min(vocabularySize, maxPositionEmbeddings), Math.min(hiddenSize, innerSize))
            <= 0
        || Math.min(numberOfLayers, numberOfHeads) <= 0) {
      throw new IllegalArgumentException("sizes, layers and heads must be positive");
    }
    if (hiddenSize % numberOfHeads != 0) {
      throw new IllegalArgumentException(numberOfHeads + " heads must divide " + hiddenSize);
    }
  }

  @Override
  public ModelType modelType() {
    return ModelType.GPT2;
  }

  /** GPT-2 has no grouped-query attention: as many key/value heads as query heads. */
  @Override
  public int numberOfKeyValueHeads() {
    return numberOfHeads;
  }

  @Override
  public int headSize() {
    return hiddenSize / numberOfHeads;
  }

  static Gpt2Config parse(JsonFields f) throws HfFormatException {
    int hidden = f.positiveInt("n_embd");
    int heads = f.positiveInt("n_head");
    if (hidden % heads != 0) {
      throw f.error("n_head", "= " + heads + " must divide 'n_embd' = " + hidden);
    }
    String activation = f.string("activation_function", "gelu_new");
    if (activation.equals("gelu_pytorch_tanh")) {
      activation = "gelu_new"; // the same tanh approximation
    }
    if (!activation.equals("gelu_new")) {
      throw f.error(
          "activation_function",
          "is '" + activation + "'; Armory's GPT-2 supports gelu_new (or gelu_pytorch_tanh)");
    }
    if (!f.bool("scale_attn_weights", true) || f.bool("scale_attn_by_inverse_layer_idx", false)) {
      throw f.error(
          "scale_attn_weights",
          "(or scale_attn_by_inverse_layer_idx) asks for non-standard attention scaling, which"
              + " Armory does not implement");
    }
    Integer inner = f.optionalPositiveInt("n_inner");
    return new Gpt2Config(
        f.positiveInt("vocab_size"),
        f.positiveInt("n_positions", 1024),
        hidden,
        f.positiveInt("n_layer"),
        heads,
        inner != null ? inner : 4 * hidden,
        activation,
        f.positiveDouble("layer_norm_epsilon", 1e-5),
        dropout(f, "resid_pdrop"),
        dropout(f, "embd_pdrop"),
        dropout(f, "attn_pdrop"),
        f.bool("tie_word_embeddings", true),
        f.tokenId("bos_token_id"),
        f.tokenIds("eos_token_id"),
        f.string("torch_dtype", f.string("dtype", null)));
  }

  private static double dropout(JsonFields f, String key) throws HfFormatException {
    Double p = f.optionalDouble(key);
    if (p == null) {
      return 0.1;
    }
    if (p < 0 || p >= 1) {
      throw f.error(key, "must be a probability in [0, 1), found " + p);
    }
    return p;
  }

  @Override
  public ObjectNode toJson() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.putArray("architectures").add(ModelType.GPT2.causalLmClass());
    n.put("model_type", "gpt2");
    n.put("vocab_size", vocabularySize);
    n.put("n_positions", maxPositionEmbeddings);
    n.put("n_embd", hiddenSize);
    n.put("n_layer", numberOfLayers);
    n.put("n_head", numberOfHeads);
    n.put("n_inner", innerSize);
    n.put("activation_function", activation);
    n.put("layer_norm_epsilon", layerNormEpsilon);
    n.put("resid_pdrop", residualDropout);
    n.put("embd_pdrop", embeddingDropout);
    n.put("attn_pdrop", attentionDropout);
    n.put("tie_word_embeddings", tieWordEmbeddings);
    JsonFields.putNullable(n, "bos_token_id", bosTokenId);
    JsonFields.putTokenIds(n, "eos_token_id", eosTokenIds);
    if (torchDtype != null) {
      n.put("torch_dtype", torchDtype);
    }
    return n;
  }
}
