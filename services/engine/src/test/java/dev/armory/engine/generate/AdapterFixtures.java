package dev.armory.engine.generate;

import dev.armory.engine.hf.HfModelDir;
import dev.armory.engine.models.LinearModule;
import dev.armory.engine.models.ModelArchitecture;
import dev.armory.engine.peft.LoraAdapter;
import dev.armory.engine.peft.LoraConfig;
import dev.armory.engine.peft.TargetModules;
import dev.armory.engine.safetensors.SafetensorsFile;
import dev.armory.engine.safetensors.SafetensorsWriter;
import dev.armory.engine.safetensors.TensorInfo;
import dev.armory.engine.safetensors.WeightStore;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/** Test adapters with non-zero factors, and base models with an adapter merged into the weights. */
final class AdapterFixtures {
  private AdapterFixtures() {}

  /**
   * Writes a PEFT adapter for {@code modelDir}'s architecture: A and B drawn normal with std {@code
   * std} (B is not zero, so the adapter changes the model), rank {@code rank}, alpha 2·rank.
   */
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

  private static void fill(FloatBuffer b, SplittableRandom random, double std) {
    for (int i = 0; i < b.capacity(); i++) {
      b.put(i, (float) (random.nextGaussian() * std));
    }
  }

  /**
   * Copies {@code modelDir} to {@code out} with the adapter merged into the float32 weights: W +
   * scale·B·A ([out, in]; GPT-2's Conv1D [in, out] gets the transpose), accumulated in double.
   */
  static Path merged(Path modelDir, Path adapterDir, Path out) throws IOException {
    Files.createDirectories(out);
    try (Stream<Path> files = Files.list(modelDir)) {
      for (Path f : files.toList()) {
        if (!f.getFileName().toString().endsWith(".safetensors")) {
          Files.copy(f, out.resolve(f.getFileName()));
        }
      }
    }
    try (HfModelDir model = HfModelDir.open(modelDir);
        SafetensorsFile weights = SafetensorsFile.open(modelDir.resolve(WeightStore.SINGLE_FILE))) {
      ModelArchitecture arch = ModelArchitecture.of(model.config());
      LoraAdapter adapter = LoraAdapter.load(adapterDir, arch);
      SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt");
      for (TensorInfo info : weights.tensors()) {
        float[] w = weights.readFloats(info.name());
        for (LoraAdapter.Module m : adapter.modules()) {
          if (m.target().weightName().equals(info.name())) {
            addUpdate(w, m);
          }
        }
        writer.addFloats(info.name(), info.shape(), w);
      }
      writer.write(out.resolve(WeightStore.SINGLE_FILE));
    }
    return out;
  }

  private static void addUpdate(float[] w, LoraAdapter.Module m) {
    LinearModule t = m.target();
    int in = t.inFeatures();
    int outF = t.outFeatures();
    int r = m.rank();
    for (int o = 0; o < outF; o++) {
      for (int i = 0; i < in; i++) {
        double s = 0;
        for (int j = 0; j < r; j++) {
          s += (double) m.b().get(o * r + j) * m.a().get(j * in + i);
        }
        int index = t.layout() == LinearModule.Layout.LINEAR ? o * in + i : i * outF + o;
        w[index] = (float) (w[index] + m.scale() * s);
      }
    }
  }

  static TargetModules names(String... names) {
    return new TargetModules.Names(List.of(names));
  }
}
