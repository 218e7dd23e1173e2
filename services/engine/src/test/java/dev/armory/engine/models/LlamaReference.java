package dev.armory.engine.models;

import static dev.armory.engine.models.ReferenceLayers.addInPlace;
import static dev.armory.engine.models.ReferenceLayers.attention;
import static dev.armory.engine.models.ReferenceLayers.linear;

import dev.armory.engine.hf.LlamaConfig;
import dev.armory.engine.hf.RopeScaling;

/**
 * The Llama family (Llama 2/3, Mistral, Qwen2) forward pass in plain Java, double precision,
 * following Hugging Face transformers' modeling code: embedding, per layer RMSNorm → attention
 * (q/k/v with optional biases, rotary positions in the rotate-half convention, grouped-query heads,
 * causal + padding mask, optional sliding window) → residual, RMSNorm → SwiGLU MLP → residual;
 * final RMSNorm, output head (lm_head or the tied embedding). Letters: B batch, T sequence, C
 * hidden size, H query heads, KV key/value heads, D head size, F MLP width, V vocabulary.
 */
final class LlamaReference implements ReferenceModel {
  private final LlamaConfig c;
  private final int C;
  private final int H;
  private final int KV;
  private final int D;
  private final int F;
  private final int V;
  private final double[] inverseFrequencies; // [D/2]

  private final double[] embedTokens; // [V, C]
  private final Layer[] layers;
  private final double[] finalNorm; // [C]
  private final double[] lmHead; // [V, C] (the embedding when tied)

  /** One decoder layer's weights. */
  private record Layer(
      double[] inputNorm, // [C]
      double[] wq, // [H*D, C]
      double[] bq, // [H*D] or null
      double[] wk, // [KV*D, C]
      double[] bk, // [KV*D] or null
      double[] wv, // [KV*D, C]
      double[] bv, // [KV*D] or null
      double[] wo, // [C, H*D]
      double[] bo, // [C] or null
      double[] postAttentionNorm, // [C]
      double[] wGate, // [F, C]
      double[] wUp, // [F, C]
      double[] wDown, // [C, F]
      int window) {} // sliding window in tokens, 0 for full attention

  LlamaReference(CheckpointBinding checkpoint) {
    this.c = (LlamaConfig) checkpoint.architecture().config();
    this.C = c.hiddenSize();
    this.H = c.numberOfHeads();
    this.KV = c.numberOfKeyValueHeads();
    this.D = c.headSize();
    this.F = c.intermediateSize();
    this.V = c.vocabularySize();
    this.inverseFrequencies = inverseFrequencies(c);
    ReferenceWeights w = new ReferenceWeights(checkpoint);
    embedTokens = w.get("model.embed_tokens.weight");
    layers = new Layer[c.numberOfLayers()];
    for (int l = 0; l < layers.length; l++) {
      String p = "model.layers." + l + ".";
      boolean qkvBias = c.queryKeyValueBias();
      Integer window = c.slidingWindowOfLayer(l);
      layers[l] =
          new Layer(
              w.get(p + "input_layernorm.weight"),
              w.get(p + "self_attn.q_proj.weight"),
              w.optional(p + "self_attn.q_proj.bias", qkvBias),
              w.get(p + "self_attn.k_proj.weight"),
              w.optional(p + "self_attn.k_proj.bias", qkvBias),
              w.get(p + "self_attn.v_proj.weight"),
              w.optional(p + "self_attn.v_proj.bias", qkvBias),
              w.get(p + "self_attn.o_proj.weight"),
              w.optional(p + "self_attn.o_proj.bias", c.outputProjectionBias()),
              w.get(p + "post_attention_layernorm.weight"),
              w.get(p + "mlp.gate_proj.weight"),
              w.get(p + "mlp.up_proj.weight"),
              w.get(p + "mlp.down_proj.weight"),
              window == null ? 0 : window);
      if (c.mlpBias()) {
        throw new UnsupportedOperationException("the reference does not model mlp_bias");
      }
    }
    finalNorm = w.get("model.norm.weight");
    lmHead = c.tieWordEmbeddings() ? embedTokens : w.get("lm_head.weight");
  }

  @Override
  public double[][][] logits(long[] ids, long[] mask, long[] positions, int batch, int seq) {
    double[][][] out = new double[batch][][];
    for (int b = 0; b < batch; b++) {
      int from = b * seq;
      out[b] =
          sequence(
              java.util.Arrays.copyOfRange(ids, from, from + seq),
              java.util.Arrays.copyOfRange(mask, from, from + seq),
              java.util.Arrays.copyOfRange(positions, from, from + seq));
    }
    return out;
  }

  /** One row of the batch: [T] ids, mask and positions in, [T][V] logits out. */
  private double[][] sequence(long[] ids, long[] mask, long[] positions) {
    int T = ids.length;
    double[] x = embed(ids); // [T, C]
    for (Layer layer : layers) {
      double[] h = rmsNorm(x, T, layer.inputNorm()); // [T, C]
      addInPlace(x, selfAttention(h, T, layer, mask, positions));
      h = rmsNorm(x, T, layer.postAttentionNorm());
      addInPlace(x, swiGlu(h, T, layer));
    }
    double[] h = rmsNorm(x, T, finalNorm);
    double[] logits = linear(h, T, C, lmHead, null, V); // [T, V]
    double[][] rows = new double[T][V];
    for (int t = 0; t < T; t++) {
      System.arraycopy(logits, t * V, rows[t], 0, V);
    }
    return rows;
  }

  /** [T] ids → [T, C] rows of the embedding table. */
  private double[] embed(long[] ids) {
    double[] x = new double[ids.length * C];
    for (int t = 0; t < ids.length; t++) {
      System.arraycopy(embedTokens, Math.toIntExact(ids[t]) * C, x, t * C, C);
    }
    return x;
  }

  /** RMSNorm: x / sqrt(mean(x²) + eps) * weight, per token. [T, C] → [T, C]. */
  private double[] rmsNorm(double[] x, int T, double[] weight) {
    double[] out = new double[T * C];
    for (int t = 0; t < T; t++) {
      double sumSquares = 0;
      for (int i = 0; i < C; i++) {
        sumSquares += x[t * C + i] * x[t * C + i];
      }
      double inv = 1.0 / Math.sqrt(sumSquares / C + c.rmsNormEpsilon());
      for (int i = 0; i < C; i++) {
        out[t * C + i] = weight[i] * (x[t * C + i] * inv);
      }
    }
    return out;
  }

  /** Attention block: [T, C] normed input → [T, C] output of o_proj. */
  private double[] selfAttention(double[] h, int T, Layer layer, long[] mask, long[] positions) {
    double[] q = linear(h, T, C, layer.wq(), layer.bq(), H * D); // [T, H*D]
    double[] k = linear(h, T, C, layer.wk(), layer.bk(), KV * D); // [T, KV*D]
    double[] v = linear(h, T, C, layer.wv(), layer.bv(), KV * D); // [T, KV*D]
    rotate(q, T, H, positions);
    rotate(k, T, KV, positions);
    double[] y = attention(q, k, v, mask, T, H, KV, D, layer.window()); // [T, H*D]
    return linear(y, T, H * D, layer.wo(), layer.bo(), C);
  }

  /**
   * Rotary position embedding in place, rotate-half convention: with angle θ_i = pos * invFreq[i]
   * for i < D/2, x[i] ← x[i] cos θ_i − x[i + D/2] sin θ_i and x[i + D/2] ← x[i + D/2] cos θ_i +
   * x[i] sin θ_i, for every head. x is [T, heads*D].
   */
  private void rotate(double[] x, int T, int heads, long[] positions) {
    int half = D / 2;
    for (int t = 0; t < T; t++) {
      for (int i = 0; i < half; i++) {
        double angle = positions[t] * inverseFrequencies[i];
        double cos = Math.cos(angle);
        double sin = Math.sin(angle);
        for (int h = 0; h < heads; h++) {
          int base = (t * heads + h) * D;
          double a = x[base + i];
          double b = x[base + i + half];
          x[base + i] = a * cos - b * sin;
          x[base + i + half] = b * cos + a * sin;
        }
      }
    }
  }

  /**
   * invFreq[i] = theta^(−2i / D), rescaled by rope_scaling: linear divides every frequency by the
   * factor (positions / factor); llama3 divides low frequencies (wavelength above original_max /
   * low_freq_factor) by the factor, keeps high ones (wavelength below original_max /
   * high_freq_factor) and blends linearly in between by smooth = (original_max / wavelength −
   * low_freq_factor) / (high_freq_factor − low_freq_factor).
   */
  static double[] inverseFrequencies(LlamaConfig c) {
    int D = c.headSize();
    double[] inv = new double[D / 2];
    for (int i = 0; i < D / 2; i++) {
      inv[i] = 1.0 / Math.pow(c.ropeTheta(), (2.0 * i) / D);
    }
    RopeScaling s = c.ropeScaling();
    if (s == null) {
      return inv;
    }
    switch (s.kind()) {
      case LINEAR -> {
        for (int i = 0; i < inv.length; i++) {
          inv[i] /= s.factor();
        }
      }
      case LLAMA3 -> {
        double original = s.originalMaxPositionEmbeddings();
        double low = s.lowFrequencyFactor();
        double high = s.highFrequencyFactor();
        double lowFreqWavelength = original / low;
        double highFreqWavelength = original / high;
        for (int i = 0; i < inv.length; i++) {
          double wavelength = 2 * Math.PI / inv[i];
          if (wavelength > lowFreqWavelength) {
            inv[i] /= s.factor();
          } else if (wavelength >= highFreqWavelength) {
            double smooth = (original / wavelength - low) / (high - low);
            inv[i] = (1 - smooth) * inv[i] / s.factor() + smooth * inv[i];
          }
        }
      }
    }
    return inv;
  }

  /** SwiGLU MLP: down(silu(gate(h)) * up(h)). [T, C] → [T, C]. */
  private double[] swiGlu(double[] h, int T, Layer layer) {
    double[] gate = linear(h, T, C, layer.wGate(), null, F); // [T, F]
    double[] up = linear(h, T, C, layer.wUp(), null, F); // [T, F]
    for (int i = 0; i < gate.length; i++) {
      double g = gate[i];
      gate[i] = g / (1 + Math.exp(-g)) * up[i];
    }
    return linear(gate, T, F, layer.wDown(), null, C);
  }
}
