package dev.armory.engine.models;

import static dev.armory.engine.models.ReferenceLayers.addInPlace;
import static dev.armory.engine.models.ReferenceLayers.attention;
import static dev.armory.engine.models.ReferenceLayers.conv1d;
import static dev.armory.engine.models.ReferenceLayers.linear;

import dev.armory.engine.hf.Gpt2Config;
import java.util.Arrays;

/**
 * GPT-2's forward pass in plain Java, double precision, following Hugging Face's GPT2LMHeadModel:
 * token plus learned position embedding, per block LayerNorm → fused c_attn (Conv1D, weight [C,
 * 3C]) split into q, k, v → causal + padding attention → c_proj → residual, LayerNorm → c_fc →
 * gelu_new → c_proj → residual; final LayerNorm and the output head tied to wte. Letters: B batch,
 * T sequence, C hidden size, H heads, D head size, F MLP width, V vocabulary.
 */
final class Gpt2Reference implements ReferenceModel {
  private final Gpt2Config c;
  private final int C;
  private final int H;
  private final int D;
  private final int F;
  private final int V;

  private final double[] wte; // [V, C]
  private final double[] wpe; // [maxPositions, C]
  private final Block[] blocks;
  private final double[] lnFWeight; // [C]
  private final double[] lnFBias; // [C]
  private final double[] lmHead; // [V, C] (wte when tied)

  /** One transformer block's weights. */
  private record Block(
      double[] ln1Weight, // [C]
      double[] ln1Bias, // [C]
      double[] attnWeight, // [C, 3C]
      double[] attnBias, // [3C]
      double[] attnProjWeight, // [C, C]
      double[] attnProjBias, // [C]
      double[] ln2Weight, // [C]
      double[] ln2Bias, // [C]
      double[] fcWeight, // [C, F]
      double[] fcBias, // [F]
      double[] mlpProjWeight, // [F, C]
      double[] mlpProjBias) {} // [C]

  Gpt2Reference(CheckpointBinding checkpoint) {
    this.c = (Gpt2Config) checkpoint.architecture().config();
    this.C = c.hiddenSize();
    this.H = c.numberOfHeads();
    this.D = C / H;
    this.F = c.innerSize();
    this.V = c.vocabularySize();
    ReferenceWeights w = new ReferenceWeights(checkpoint);
    wte = w.get("transformer.wte.weight");
    wpe = w.get("transformer.wpe.weight");
    blocks = new Block[c.numberOfLayers()];
    for (int l = 0; l < blocks.length; l++) {
      String p = "transformer.h." + l + ".";
      blocks[l] =
          new Block(
              w.get(p + "ln_1.weight"),
              w.get(p + "ln_1.bias"),
              w.get(p + "attn.c_attn.weight"),
              w.get(p + "attn.c_attn.bias"),
              w.get(p + "attn.c_proj.weight"),
              w.get(p + "attn.c_proj.bias"),
              w.get(p + "ln_2.weight"),
              w.get(p + "ln_2.bias"),
              w.get(p + "mlp.c_fc.weight"),
              w.get(p + "mlp.c_fc.bias"),
              w.get(p + "mlp.c_proj.weight"),
              w.get(p + "mlp.c_proj.bias"));
    }
    lnFWeight = w.get("transformer.ln_f.weight");
    lnFBias = w.get("transformer.ln_f.bias");
    lmHead = c.tieWordEmbeddings() ? wte : w.get("lm_head.weight");
  }

  @Override
  public double[][][] logits(long[] ids, long[] mask, long[] positions, int batch, int seq) {
    double[][][] out = new double[batch][][];
    for (int b = 0; b < batch; b++) {
      int from = b * seq;
      out[b] =
          sequence(
              Arrays.copyOfRange(ids, from, from + seq),
              Arrays.copyOfRange(mask, from, from + seq),
              Arrays.copyOfRange(positions, from, from + seq));
    }
    return out;
  }

  /** One row of the batch: [T] ids, mask and positions in, [T][V] logits out. */
  private double[][] sequence(long[] ids, long[] mask, long[] positions) {
    int T = ids.length;
    double[] x = embed(ids, positions); // [T, C]
    for (Block block : blocks) {
      double[] h = layerNorm(x, T, block.ln1Weight(), block.ln1Bias());
      addInPlace(x, selfAttention(h, T, block, mask));
      h = layerNorm(x, T, block.ln2Weight(), block.ln2Bias());
      addInPlace(x, mlp(h, T, block));
    }
    double[] h = layerNorm(x, T, lnFWeight, lnFBias);
    double[] logits = linear(h, T, C, lmHead, null, V); // [T, V]
    double[][] rows = new double[T][V];
    for (int t = 0; t < T; t++) {
      System.arraycopy(logits, t * V, rows[t], 0, V);
    }
    return rows;
  }

  /** wte[id] + wpe[position]: [T] → [T, C]. */
  private double[] embed(long[] ids, long[] positions) {
    double[] x = new double[ids.length * C];
    for (int t = 0; t < ids.length; t++) {
      int tok = Math.toIntExact(ids[t]) * C;
      int pos = Math.toIntExact(positions[t]) * C;
      for (int i = 0; i < C; i++) {
        x[t * C + i] = wte[tok + i] + wpe[pos + i];
      }
    }
    return x;
  }

  /** LayerNorm with biased variance: (x − mean) / sqrt(var + eps) * weight + bias, per token. */
  private double[] layerNorm(double[] x, int T, double[] weight, double[] bias) {
    double[] out = new double[T * C];
    for (int t = 0; t < T; t++) {
      double mean = 0;
      for (int i = 0; i < C; i++) {
        mean += x[t * C + i];
      }
      mean /= C;
      double var = 0;
      for (int i = 0; i < C; i++) {
        double d = x[t * C + i] - mean;
        var += d * d;
      }
      var /= C;
      double inv = 1.0 / Math.sqrt(var + c.layerNormEpsilon());
      for (int i = 0; i < C; i++) {
        out[t * C + i] = (x[t * C + i] - mean) * inv * weight[i] + bias[i];
      }
    }
    return out;
  }

  /** Attention block: fused qkv [T, 3C] split into thirds, heads of D consecutive channels. */
  private double[] selfAttention(double[] h, int T, Block block, long[] mask) {
    double[] qkv = conv1d(h, T, C, block.attnWeight(), block.attnBias(), 3 * C); // [T, 3C]
    double[] q = new double[T * C];
    double[] k = new double[T * C];
    double[] v = new double[T * C];
    for (int t = 0; t < T; t++) {
      System.arraycopy(qkv, t * 3 * C, q, t * C, C);
      System.arraycopy(qkv, t * 3 * C + C, k, t * C, C);
      System.arraycopy(qkv, t * 3 * C + 2 * C, v, t * C, C);
    }
    double[] y = attention(q, k, v, mask, T, H, H, D, 0); // [T, C]
    return conv1d(y, T, C, block.attnProjWeight(), block.attnProjBias(), C);
  }

  /** MLP: c_proj(gelu_new(c_fc(h))). [T, C] → [T, C]. */
  private double[] mlp(double[] h, int T, Block block) {
    double[] a = conv1d(h, T, C, block.fcWeight(), block.fcBias(), F); // [T, F]
    for (int i = 0; i < a.length; i++) {
      a[i] = geluNew(a[i]);
    }
    return conv1d(a, T, F, block.mlpProjWeight(), block.mlpProjBias(), C);
  }

  /** gelu_new: 0.5 x (1 + tanh(sqrt(2/π) (x + 0.044715 x³))). */
  static double geluNew(double x) {
    return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
  }
}
