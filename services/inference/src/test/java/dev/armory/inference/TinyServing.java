package dev.armory.inference;

import dev.armory.engine.fixtures.TinyModelGenerator;
import dev.armory.engine.hf.HfModelDir;
import dev.armory.engine.hf.ModelType;
import dev.armory.engine.models.ModelArchitecture;
import dev.armory.engine.peft.LoraAdapter;
import dev.armory.engine.peft.LoraConfig;
import dev.armory.engine.peft.TargetModules;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/** A tiny random Llama with LoRA adapters on disk, and servers and channels over it. */
final class TinyServing {
  static final List<String> ADAPTERS = List.of("coder", "lawyer", "poet", "chef");

  final Path model;
  final Path adapters;

  private TinyServing(Path model, Path adapters) {
    this.model = model;
    this.adapters = adapters;
  }

  /** Writes the model and the four adapters (different ranks and targets) under {@code dir}. */
  static TinyServing create(Path dir) throws IOException {
    Path model = dir.resolve("tiny-llama");
    TinyModelGenerator.generate(ModelType.LLAMA, model, 7);
    Path adapters = dir.resolve("adapters");
    randomAdapter(model, adapters.resolve("coder"), new TargetModules.AllLinear(), 4, 1);
    randomAdapter(model, adapters.resolve("lawyer"), names("q_proj", "v_proj"), 8, 2);
    randomAdapter(model, adapters.resolve("poet"), names("o_proj", "down_proj"), 2, 3);
    randomAdapter(model, adapters.resolve("chef"), names("gate_proj", "up_proj"), 4, 4);
    return new TinyServing(model, adapters);
  }

  static TargetModules names(String... names) {
    return new TargetModules.Names(List.of(names));
  }

  /**
   * A PEFT adapter whose A and B are normal with std 0.2 (B non-zero, so it changes the model's
   * greedy output).
   */
  static Path randomAdapter(Path model, Path out, TargetModules targets, int rank, long seed)
      throws IOException {
    try (HfModelDir dir = HfModelDir.open(model)) {
      ModelArchitecture arch = ModelArchitecture.of(dir.config());
      LoraConfig config =
          LoraConfig.defaults().withRank(rank).withAlpha(2.0 * rank).withTargets(targets);
      LoraAdapter adapter = LoraAdapter.initialise(arch, config, seed);
      SplittableRandom random = new SplittableRandom(seed * 31 + 7);
      for (LoraAdapter.Module m : adapter.modules()) {
        fill(m.a(), random);
        fill(m.b(), random);
      }
      adapter.save(out);
    }
    return out;
  }

  private static void fill(FloatBuffer b, SplittableRandom random) {
    for (int i = 0; i < b.capacity(); i++) {
      b.put(i, (float) (random.nextGaussian() * 0.2));
    }
  }

  /** Server properties: this model and adapters, a free port, tight prompt and token caps. */
  Map<String, Object> properties() {
    Map<String, Object> p = new HashMap<>();
    p.put("armory.inference.model-dir", model.toString());
    p.put("armory.inference.adapters-dir", adapters.toString());
    p.put("armory.inference.max-prompt-tokens", 64);
    p.put("armory.inference.max-tokens", 200);
    p.put("armory.inference.default-max-tokens", 16);
    p.put("grpc.server.port", 0);
    p.put("micronaut.server.port", -1); // a free port for /prometheus and /health
    return p;
  }

  static ManagedChannel channel(InferenceServer server) {
    return ManagedChannelBuilder.forAddress("localhost", server.port()).usePlaintext().build();
  }

  static void close(ManagedChannel channel) throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }
}
