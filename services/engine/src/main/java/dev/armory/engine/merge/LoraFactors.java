package dev.armory.engine.merge;

import dev.armory.engine.peft.LoraAdapter;

/**
 * One adapter's factors on one linear module, copied to the heap for the merge loops: ΔW [out, in]
 * = scale · B [out, r] · A [r, in].
 */
record LoraFactors(int out, int in, int rank, double scale, float[] a, float[] b) {
  static LoraFactors of(LoraAdapter.Module m) {
    float[] a = new float[m.a().capacity()];
    m.a().duplicate().rewind().get(a);
    float[] b = new float[m.b().capacity()];
    m.b().duplicate().rewind().get(b);
    return new LoraFactors(
        m.target().outFeatures(), m.target().inFeatures(), m.rank(), m.scale(), a, b);
  }

  /**
   * Adds {@code factor}·ΔW's row {@code o} into {@code row} [in]: Σⱼ factor·scale·B[o, j]·A[j, :].
   */
  void addRow(int o, double factor, double[] row) {
    double f = factor * scale;
    for (int j = 0; j < rank; j++) {
      double c = f * b[o * rank + j];
      int base = j * in;
      for (int i = 0; i < in; i++) {
        row[i] += c * a[base + i];
      }
    }
  }

  /** ΔW [out, in] row-major in float32 (each entry accumulated in double). */
  float[] delta() {
    float[] d = new float[Math.multiplyExact(out, in)];
    double[] row = new double[in];
    for (int o = 0; o < out; o++) {
      java.util.Arrays.fill(row, 0);
      addRow(o, 1.0, row);
      for (int i = 0; i < in; i++) {
        d[o * in + i] = (float) row[i];
      }
    }
    return d;
  }
}
