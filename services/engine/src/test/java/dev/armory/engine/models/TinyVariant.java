package dev.armory.engine.models;

import dev.armory.engine.fixtures.TinyModelGenerator;
import dev.armory.engine.hf.LlamaConfig;
import dev.armory.engine.hf.ModelConfig;
import dev.armory.engine.hf.ModelType;
import dev.armory.engine.hf.RopeScaling;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The tiny random-weight models the reference checks run on: the generator's four types plus Llama
 * variants with rope_scaling, and Qwen2 with its per-layer sliding window switched on.
 */
enum TinyVariant {
  /** GQA 4/2 heads, separate lm_head. */
  LLAMA,
  /** Llama with rope_scaling {type: linear, factor: 2}. */
  LLAMA_ROPE_LINEAR,
  /**
   * Llama with rope_scaling llama3 (factor 8, low 1, high 4, original 64) and rope_theta 100, so
   * that of the 8 frequencies 2 are kept, 3 blended and 3 divided.
   */
  LLAMA_ROPE_LLAMA3,
  /** GQA 8/2 heads, sliding window 8 (the tests' sequences are longer). */
  MISTRAL,
  /** q/k/v biases, tied head, sliding window 4 on layer 1 only (max_window_layers 1). */
  QWEN2_SLIDING,
  /** Fused c_attn, learned positions, tied head. */
  GPT2;

  static final TinyModelGenerator.Vocabulary VOCABULARY =
      new TinyModelGenerator.Vocabulary(300, 1, 2, 0);

  /** This variant's config. */
  ModelConfig config() {
    return switch (this) {
      case LLAMA -> tiny(ModelType.LLAMA);
      case LLAMA_ROPE_LINEAR -> rope((LlamaConfig) tiny(ModelType.LLAMA), 10000.0, linear());
      case LLAMA_ROPE_LLAMA3 ->
          rope((LlamaConfig) tiny(ModelType.LLAMA), 100.0, RopeScaling.llama3(8, 1, 4, 64));
      case MISTRAL -> tiny(ModelType.MISTRAL);
      case QWEN2_SLIDING -> window((LlamaConfig) tiny(ModelType.QWEN2), 4, 1);
      case GPT2 -> tiny(ModelType.GPT2);
    };
  }

  /** Writes this variant's model directory. */
  Path write(Path dir, long seed) throws IOException {
    TinyModelGenerator.writeModel(config(), dir, seed);
    return dir;
  }

  private static RopeScaling linear() {
    return RopeScaling.linear(2);
  }

  private static ModelConfig tiny(ModelType type) {
    return TinyModelGenerator.tinyConfig(type, VOCABULARY);
  }

  static LlamaConfig rope(LlamaConfig c, double theta, RopeScaling scaling) {
    return new LlamaConfig(
        c.modelType(),
        c.vocabularySize(),
        c.hiddenSize(),
        c.intermediateSize(),
        c.numberOfLayers(),
        c.numberOfHeads(),
        c.numberOfKeyValueHeads(),
        c.headSize(),
        c.maxPositionEmbeddings(),
        c.rmsNormEpsilon(),
        theta,
        scaling,
        c.hiddenActivation(),
        c.tieWordEmbeddings(),
        c.queryKeyValueBias(),
        c.outputProjectionBias(),
        c.mlpBias(),
        c.slidingWindow(),
        c.maxWindowLayers(),
        c.bosTokenId(),
        c.eosTokenIds(),
        c.padTokenId(),
        c.torchDtype());
  }

  static LlamaConfig window(LlamaConfig c, Integer window, int maxWindowLayers) {
    return new LlamaConfig(
        c.modelType(),
        c.vocabularySize(),
        c.hiddenSize(),
        c.intermediateSize(),
        c.numberOfLayers(),
        c.numberOfHeads(),
        c.numberOfKeyValueHeads(),
        c.headSize(),
        c.maxPositionEmbeddings(),
        c.rmsNormEpsilon(),
        c.ropeTheta(),
        c.ropeScaling(),
        c.hiddenActivation(),
        c.tieWordEmbeddings(),
        c.queryKeyValueBias(),
        c.outputProjectionBias(),
        c.mlpBias(),
        window,
        maxWindowLayers,
        c.bosTokenId(),
        c.eosTokenIds(),
        c.padTokenId(),
        c.torchDtype());
  }
}
