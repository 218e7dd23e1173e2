package dev.armory.engine.merge;

import dev.armory.engine.finetune.BaseWeights;
import dev.armory.engine.models.CheckpointBinding;
import dev.armory.engine.models.LinearModule;
import dev.armory.engine.quant.Nf4Quantizer;
import dev.armory.engine.quant.Nf4Tensor;
import java.nio.FloatBuffer;

/**
 * The float32 weight [out, in] of a linear module as the adapter saw it while training: the
 * checkpoint's values, or (QLoRA) the same values quantised to NF4 exactly as training quantised
 * them and dequantised again, so the merge adds ΔW to the base the adapter was fitted to and never
 * touches 4-bit codes.
 */
final class BaseLinearWeights {
  private final CheckpointBinding checkpoint;
  private final BaseWeights base;
  private final Nf4Quantizer quantizer;

  BaseLinearWeights(CheckpointBinding checkpoint, BaseWeights base) {
    this.checkpoint = checkpoint;
    this.base = base;
    this.quantizer =
        base == BaseWeights.FLOAT32 ? null : Nf4Quantizer.qlora(base == BaseWeights.NF4);
  }

  BaseWeights format() {
    return base;
  }

  /** The module's weight as float32 [out, in] row-major (GPT-2's Conv1D [in, out] transposed). */
  float[] read(LinearModule m) {
    String name = checkpoint.tensorName(m.weightName());
    float[] stored = checkpoint.store().readFloats(name);
    float[] w = m.layout() == LinearModule.Layout.LINEAR ? stored : transpose(stored, m);
    if (quantizer == null) {
      return w;
    }
    // The same quantiser and input values as quant.Nf4Linears, hence the same codes.
    Nf4Tensor q = quantizer.quantize(name, FloatBuffer.wrap(w), m.outFeatures(), m.inFeatures());
    q.dequantizeInto(FloatBuffer.wrap(w)); // overwrites w in place, on the heap
    return w;
  }

  /** [in, out] → [out, in]. */
  private static float[] transpose(float[] stored, LinearModule m) {
    int in = m.inFeatures();
    int out = m.outFeatures();
    float[] t = new float[stored.length];
    for (int i = 0; i < in; i++) {
      for (int o = 0; o < out; o++) {
        t[o * in + i] = stored[i * out + o];
      }
    }
    return t;
  }

  /** [out, in] → [in, out], GPT-2's Conv1D storage. */
  static float[] toConv1D(float[] w, LinearModule m) {
    int in = m.inFeatures();
    int out = m.outFeatures();
    float[] t = new float[w.length];
    for (int o = 0; o < out; o++) {
      for (int i = 0; i < in; i++) {
        t[i * out + o] = w[o * in + i];
      }
    }
    return t;
  }
}
