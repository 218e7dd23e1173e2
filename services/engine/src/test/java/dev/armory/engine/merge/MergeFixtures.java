package dev.armory.engine.merge;

import dev.armory.engine.hf.HfModelDir;
import dev.armory.engine.models.LinearModule;
import dev.armory.engine.models.ModelArchitecture;
import dev.armory.engine.peft.LoraAdapter;
import dev.armory.engine.peft.LoraConfig;
import dev.armory.engine.peft.TargetModules;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/** Adapters with non-zero factors for merge tests, and an independent ΔW for checking. */
final class MergeFixtures {
  private MergeFixtures() {}

  /** A PEFT adapter with A and B normal(0, std), rank r, alpha 2r (scale 2). */
  static Path randomAdapter(
      Path modelDir, Path out, TargetModules targets, int rank, long seed, double std)
      throws IOException {
    try (HfModelDir model = HfModelDir.open(modelDir)) {
      ModelArchitecture arch = ModelArchitecture.of(model.config());
      LoraConfig config =
          LoraConfig.defaults().withRank(rank).withAlpha(2.0 * rank).withTargets(targets);
      LoraAdapter adapter = LoraAdapter.initialise(arch, config, seed);
      SplittableRandom random = new SplittableRandom(seed * 31 + 7);
      for (LoraAdapter.Module m : adapter.modules()) {
        fill(m.a(), random, std);
        fill(m.b(), random, std);
      }
      adapter.save(out);
    }
    return out;
  }

  static TargetModules names(String... names) {
    return new TargetModules.Names(List.of(names));
  }

  private static void fill(FloatBuffer b, SplittableRandom random, double std) {
    for (int i = 0; i < b.capacity(); i++) {
      b.put(i, (float) (random.nextGaussian() * std));
    }
  }

  /**
   * scale·B·A of a module in the module's stored layout ([out, in]; Conv1D [in, out]), summed in
   * double with the plainest triple loop.
   */
  static double[] storedDelta(LoraAdapter.Module m) {
    LinearModule t = m.target();
    int in = t.inFeatures();
    int out = t.outFeatures();
    double[] d = new double[in * out];
    for (int o = 0; o < out; o++) {
      for (int i = 0; i < in; i++) {
        double s = 0;
        for (int j = 0; j < m.rank(); j++) {
          s += (double) m.b().get(o * m.rank() + j) * m.a().get(j * in + i);
        }
        d[t.layout() == LinearModule.Layout.LINEAR ? o * in + i : i * out + o] = m.scale() * s;
      }
    }
    return d;
  }

  static double maxAbsDiff(float[] a, float[] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs((double) a[i] - b[i]));
    }
    return m;
  }

  /** Three prompts of different lengths inside a vocabulary of {@code v}. */
  static List<long[]> prompts(int v) {
    return List.of(
        new long[] {1, 40, 41, 42, 43, 100, 7},
        new long[] {5, 9, 200 % v, 17, 3, 3, 60, 61, 62, 63, 64, 120 % v, 11, 12},
        new long[] {1, 250 % v});
  }
}
