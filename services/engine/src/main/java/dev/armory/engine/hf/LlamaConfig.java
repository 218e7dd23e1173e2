package dev.armory.engine.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * The Llama-family config (llama, mistral, qwen2): RMSNorm, rotary positions, grouped-query
 * attention and a SwiGLU MLP. The types differ only in biases and sliding-window attention: Qwen2
 * has q/k/v biases (none on o_proj); Mistral may slide a window over every layer; Qwen2 may slide
 * one over the layers from {@code maxWindowLayers} on.
 *
 * @param headSize width of one head ({@code head_dim}, default hidden size / heads)
 * @param ropeScaling null when positions are not rescaled
 * @param queryKeyValueBias q_proj, k_proj and v_proj have a bias
 * @param outputProjectionBias o_proj has a bias
 * @param slidingWindow attention window in tokens for sliding layers, or null for none
 * @param maxWindowLayers layers with index at or above this use the sliding window
 * @param torchDtype the {@code torch_dtype} string, e.g. "float32", or null
 */
public record LlamaConfig(
    ModelType modelType,
    int vocabularySize,
    int hiddenSize,
    int intermediateSize,
    int numberOfLayers,
    int numberOfHeads,
    int numberOfKeyValueHeads,
    int headSize,
    int maxPositionEmbeddings,
    double rmsNormEpsilon,
    double ropeTheta,
    RopeScaling ropeScaling,
    String hiddenActivation,
    boolean tieWordEmbeddings,
    boolean queryKeyValueBias,
    boolean outputProjectionBias,
    boolean mlpBias,
    Integer slidingWindow,
    int maxWindowLayers,
    Integer bosTokenId,
    List<Integer> eosTokenIds,
    Integer padTokenId,
    String torchDtype)
    implements ModelConfig {

  public LlamaConfig {
    Objects.requireNonNull(modelType, "modelType");
    if (!modelType.isLlamaFamily()) {
      throw new IllegalArgumentException(modelType + " is not a Llama-family model type");
    }
    eosTokenIds = List.copyOf(eosTokenIds);
    if (Math.min(Math.min(vocabularySize, hiddenSize), Math.min(intermediateSize, numberOfLayers))
            <= 0
        || Math.min(Math.min(numberOfHeads, numberOfKeyValueHeads), headSize) <= 0
        || maxPositionEmbeddings <= 0) {
      throw new IllegalArgumentException("sizes, layers and heads must be positive");
    }
    if (numberOfHeads % numberOfKeyValueHeads != 0) {
      throw new IllegalArgumentException(
          numberOfKeyValueHeads + " key/value heads must divide " + numberOfHeads + " heads");
    }
    if (maxWindowLayers < 0) {
      throw new IllegalArgumentException("maxWindowLayers must be >= 0, was " + maxWindowLayers);
    }
  }

  /** The sliding window of layer {@code layer}, or null when it attends to all positions. */
  public Integer slidingWindowOfLayer(int layer) {
    return slidingWindow != null && layer >= maxWindowLayers ? slidingWindow : null;
  }

  static LlamaConfig parse(ModelType type, JsonFields f) throws HfFormatException {
    int hidden = f.positiveInt("hidden_size");
    int heads = f.positiveInt("num_attention_heads");
    int kvHeads = f.positiveInt("num_key_value_heads", heads);
    Integer declaredHeadSize = f.optionalPositiveInt("head_dim");
    if (declaredHeadSize == null && hidden % heads != 0) {
      throw f.error(
          "num_attention_heads",
          "= " + heads + " must divide 'hidden_size' = " + hidden + " (or set 'head_dim')");
    }
    if (heads % kvHeads != 0) {
      throw f.error(
          "num_key_value_heads", "= " + kvHeads + " must divide 'num_attention_heads' = " + heads);
    }
    int layers = f.positiveInt("num_hidden_layers");
    String activation = f.string("hidden_act", "silu");
    if (activation.equals("swish")) {
      activation = "silu"; // the same function under its other name
    }
    if (!activation.equals("silu")) {
      throw f.error(
          "hidden_act",
          "is '" + activation + "'; the " + type + " MLP in Armory is SwiGLU and needs 'silu'");
    }
    double ropeTheta = f.positiveDouble("rope_theta", 10000.0);
    RopeScaling scaling;
    JsonFields ropeParameters = f.object("rope_parameters"); // transformers 5 moved them here
    if (ropeParameters != null) {
      ropeTheta = ropeParameters.positiveDouble("rope_theta", ropeTheta);
      scaling = RopeScaling.parse(ropeParameters, "rope_parameters");
    } else {
      JsonFields rs = f.object("rope_scaling");
      scaling = rs == null ? null : RopeScaling.parse(rs, "rope_scaling");
    }

    boolean qkvBias;
    boolean outBias;
    boolean mlpBias;
    Integer window;
    int maxWindowLayers = 0;
    switch (type) {
      case QWEN2 -> {
        qkvBias = true;
        outBias = false;
        mlpBias = false;
        window = f.bool("use_sliding_window", false) ? f.positiveInt("sliding_window", 4096) : null;
        maxWindowLayers = f.has("max_window_layers") ? f.optionalInt("max_window_layers") : 28;
        if (maxWindowLayers < 0) {
          throw f.error("max_window_layers", "must be >= 0, found " + maxWindowLayers);
        }
      }
      case MISTRAL -> {
        qkvBias = false;
        outBias = false;
        mlpBias = false;
        // transformers' MistralConfig defaults to 4096 when the key is absent; null means none.
        window =
            f.node().has("sliding_window")
                ? f.optionalPositiveInt("sliding_window")
                : Integer.valueOf(4096);
      }
      default -> {
        qkvBias = f.bool("attention_bias", false);
        outBias = qkvBias;
        mlpBias = f.bool("mlp_bias", false);
        window = null;
      }
    }
    if (window != null && f.node().has("layer_types")) {
      maxWindowLayers = firstSlidingLayer(f, layers);
    }
    return new LlamaConfig(
        type,
        f.positiveInt("vocab_size"),
        hidden,
        f.positiveInt("intermediate_size"),
        layers,
        heads,
        kvHeads,
        declaredHeadSize != null ? declaredHeadSize : hidden / heads,
        f.positiveInt("max_position_embeddings", 2048),
        f.positiveDouble("rms_norm_eps", 1e-6),
        ropeTheta,
        scaling,
        activation,
        f.bool("tie_word_embeddings", false),
        qkvBias,
        outBias,
        mlpBias,
        window,
        maxWindowLayers,
        f.tokenId("bos_token_id"),
        f.tokenIds("eos_token_id"),
        f.tokenId("pad_token_id"),
        f.string("torch_dtype", f.string("dtype", null)));
  }

  /** Reads {@code layer_types}: full-attention layers first, then sliding ones. */
  private static int firstSlidingLayer(JsonFields f, int layers) throws HfFormatException {
    JsonNode types = f.node().get("layer_types");
    if (!types.isArray() || types.size() != layers) {
      throw f.error("layer_types", "must list one type per layer (" + layers + ")");
    }
    int first = layers;
    for (int i = 0; i < layers; i++) {
      String t = types.get(i).asText();
      boolean sliding = t.equals("sliding_attention");
      if (!sliding && !t.equals("full_attention")) {
        throw f.error("layer_types", "entry " + i + " is '" + t + "'");
      }
      if (sliding && first == layers) {
        first = i;
      } else if (!sliding && first < layers) {
        throw f.error(
            "layer_types",
            "mixes sliding and full layers in an order Armory does not support (full first,"
                + " then sliding)");
      }
    }
    return first;
  }

  @Override
  public ObjectNode toJson() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.putArray("architectures").add(modelType.causalLmClass());
    n.put("model_type", modelType.hfName());
    n.put("vocab_size", vocabularySize);
    n.put("hidden_size", hiddenSize);
    n.put("intermediate_size", intermediateSize);
    n.put("num_hidden_layers", numberOfLayers);
    n.put("num_attention_heads", numberOfHeads);
    n.put("num_key_value_heads", numberOfKeyValueHeads);
    n.put("head_dim", headSize);
    n.put("max_position_embeddings", maxPositionEmbeddings);
    n.put("rms_norm_eps", rmsNormEpsilon);
    n.put("rope_theta", ropeTheta);
    if (ropeScaling == null) {
      n.putNull("rope_scaling");
    } else {
      n.set("rope_scaling", ropeScaling.toJson());
    }
    n.put("hidden_act", hiddenActivation);
    n.put("tie_word_embeddings", tieWordEmbeddings);
    switch (modelType) {
      case QWEN2 -> {
        n.put("use_sliding_window", slidingWindow != null);
        JsonFields.putNullable(n, "sliding_window", slidingWindow);
        n.put("max_window_layers", maxWindowLayers);
      }
      case MISTRAL -> JsonFields.putNullable(n, "sliding_window", slidingWindow);
      default -> {
        n.put("attention_bias", queryKeyValueBias);
        n.put("mlp_bias", mlpBias);
      }
    }
    JsonFields.putNullable(n, "bos_token_id", bosTokenId);
    JsonFields.putTokenIds(n, "eos_token_id", eosTokenIds);
    if (padTokenId != null) {
      n.put("pad_token_id", padTokenId);
    }
    if (torchDtype != null) {
      n.put("torch_dtype", torchDtype);
    }
    return n;
  }
}
