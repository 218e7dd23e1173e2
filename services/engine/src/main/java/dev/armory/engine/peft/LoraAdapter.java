package dev.armory.engine.peft;

import dev.armory.engine.models.LinearModule;
import dev.armory.engine.models.ModelArchitecture;
import dev.armory.engine.runtime.Tensors;
import dev.armory.engine.safetensors.DType;
import dev.armory.engine.safetensors.SafetensorsFile;
import dev.armory.engine.safetensors.SafetensorsWriter;
import dev.armory.engine.safetensors.TensorInfo;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * A LoRA adapter: for every targeted linear module, A [r, in] and B [out, r] in off-heap buffers,
 * and its scale. Saved and loaded in Hugging Face PEFT's format, so adapters move between Armory
 * and the Python ecosystem.
 */
public final class LoraAdapter {
  public static final String WEIGHTS_FILE = "adapter_model.safetensors";

  /** One wrapped module: y += scale · B(A(x)). */
  public record Module(LinearModule target, int rank, double scale, FloatBuffer a, FloatBuffer b) {
    public long[] aShape() {
      return new long[] {rank, target.inFeatures()};
    }

    public long[] bShape() {
      return new long[] {target.outFeatures(), rank};
    }

    /** PEFT's key of A, e.g. base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight. */
    public String aKey() {
      return keyPrefix(target) + ".lora_A.weight";
    }

    public String bKey() {
      return keyPrefix(target) + ".lora_B.weight";
    }
  }

  private final ModelArchitecture architecture;
  private final LoraConfig config;
  private final Map<String, Module> modules; // by module name

  private LoraAdapter(
      ModelArchitecture architecture, LoraConfig config, Map<String, Module> modules) {
    this.architecture = architecture;
    this.config = config;
    this.modules = modules;
  }

  static String keyPrefix(LinearModule m) {
    return "base_model.model." + m.name();
  }

  /**
   * A fresh adapter: A drawn Kaiming-uniform as PyTorch's Linear does (bound 1/√in), B zero, so the
   * adapted model starts equal to the base.
   */
  public static LoraAdapter initialise(ModelArchitecture arch, LoraConfig config, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Map<String, Module> modules = new LinkedHashMap<>();
    for (LinearModule m : config.targets().select(arch)) {
      int r = config.rankOf(m);
      FloatBuffer a = buffer((long) r * m.inFeatures());
      double bound = 1.0 / Math.sqrt(m.inFeatures());
      for (int i = 0; i < a.capacity(); i++) {
        a.put(i, (float) ((random.nextDouble() * 2 - 1) * bound));
      }
      FloatBuffer b = buffer((long) m.outFeatures() * r);
      modules.put(m.name(), new Module(m, r, config.scaleOf(m), a, b));
    }
    return new LoraAdapter(arch, config, modules);
  }

  private static FloatBuffer buffer(long n) {
    return Tensors.direct(n * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  public LoraConfig config() {
    return config;
  }

  /** The same factors (shared buffers) without dropout, for evaluation graphs. */
  public LoraAdapter withoutDropout() {
    return new LoraAdapter(architecture, config.withDropout(0.0), modules);
  }

  public ModelArchitecture architecture() {
    return architecture;
  }

  /** Wrapped modules in model order. */
  public List<Module> modules() {
    return new ArrayList<>(modules.values());
  }

  /** The module wrapping {@code name}, or null when that layer has no adapter. */
  public Module module(String name) {
    return modules.get(name);
  }

  /** Trainable parameter count (all A and B elements). */
  public long parameterCount() {
    long n = 0;
    for (Module m : modules.values()) {
      n += (long) m.rank() * (m.target().inFeatures() + m.target().outFeatures());
    }
    return n;
  }

  /** Writes adapter_config.json and adapter_model.safetensors (float32, PEFT key names). */
  public void save(Path dir) throws IOException {
    Files.createDirectories(dir);
    config.write(dir, architecture, modules().stream().map(Module::target).toList());
    SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
    for (Module m : modules.values()) {
      w.addFloats(m.aKey(), m.aShape(), toArray(m.a()));
      w.addFloats(m.bKey(), m.bShape(), toArray(m.b()));
    }
    w.write(dir.resolve(WEIGHTS_FILE));
  }

  /** Reads an adapter written by Armory or PEFT for this architecture. */
  public static LoraAdapter load(Path dir, ModelArchitecture arch) throws IOException {
    LoraConfig config = LoraConfig.read(dir, arch.modelType());
    Path weights = dir.resolve(WEIGHTS_FILE);
    if (!Files.isRegularFile(weights)) {
      throw new AdapterFormatException(
          weights + ": not found (adapter_model.bin pickles are not read: convert to safetensors)");
    }
    Map<String, Module> modules = new LinkedHashMap<>();
    try (SafetensorsFile f = SafetensorsFile.open(weights)) {
      TreeSet<String> unused = new TreeSet<>(f.names());
      for (LinearModule m : config.targets().select(arch)) {
        String prefix = keyPrefix(m);
        String aKey = prefix + ".lora_A.weight";
        String bKey = prefix + ".lora_B.weight";
        if (!f.contains(aKey) || !f.contains(bKey)) {
          throw new AdapterFormatException(
              weights
                  + ": adapter_config.json targets "
                  + m.name()
                  + " but "
                  + (f.contains(aKey) ? bKey : aKey)
                  + " is missing");
        }
        TensorInfo ai = f.info(aKey);
        TensorInfo bi = f.info(bKey);
        int r = config.rankOf(m);
        check(weights, ai, new long[] {r, m.inFeatures()});
        check(weights, bi, new long[] {m.outFeatures(), r});
        FloatBuffer a = buffer((long) r * m.inFeatures()).put(f.readFloats(aKey));
        FloatBuffer b = buffer((long) m.outFeatures() * r).put(f.readFloats(bKey));
        modules.put(m.name(), new Module(m, r, config.scaleOf(m), a.rewind(), b.rewind()));
        unused.remove(aKey);
        unused.remove(bKey);
      }
      if (!unused.isEmpty()) {
        throw new AdapterFormatException(
            weights
                + ": tensors not targeted by adapter_config.json: "
                + unused.stream().limit(5).toList());
      }
    }
    return new LoraAdapter(arch, config, modules);
  }

  private static void check(Path file, TensorInfo info, long[] expected)
      throws AdapterFormatException {
    if (!Arrays.equals(info.shape(), expected)) {
      throw new AdapterFormatException(
          file
              + ": '"
              + info.name()
              + "' is "
              + Arrays.toString(info.shape())
              + ", expected "
              + Arrays.toString(expected)
              + " for this base model and r");
    }
    if (info.dtype() != DType.F32 && info.dtype() != DType.F16 && info.dtype() != DType.BF16) {
      throw new AdapterFormatException(
          file
              + ": '"
              + info.name()
              + "' has dtype "
              + info.dtype()
              + "; expected F32, F16 or BF16");
    }
  }

  private static float[] toArray(FloatBuffer b) {
    float[] out = new float[b.capacity()];
    b.duplicate().rewind().get(out);
    return out;
  }
}
