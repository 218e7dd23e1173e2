package dev.armory.engine.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.engine.fixtures.TinyModelGenerator;
import dev.armory.engine.generate.adapters.AdapterLease;
import dev.armory.engine.generate.adapters.AdapterRegistry;
import dev.armory.engine.generate.kv.KvCacheGraph;
import dev.armory.engine.generate.kv.KvDecoder;
import dev.armory.engine.generate.kv.SlotKvCache;
import dev.armory.engine.hf.HfModelDir;
import dev.armory.engine.hf.ModelType;
import dev.armory.engine.models.ModelArchitecture;
import dev.armory.engine.peft.TargetModules;
import dev.armory.engine.runtime.SessionConfig;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Adapters applied per request, never merged: logits equal the same adapter merged into float32
 * weights, and a batch mixing adapters and the base gives each request what it gets alone.
 */
class AdapterServingTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(ModelType.class)
  void adapterAtRequestTimeEqualsMergedWeights(ModelType type) throws Exception {
    Path base = dir.resolve("base");
    TinyModelGenerator.generate(type, base, 5);
    Path adapter =
        AdapterFixtures.randomAdapter(
            base, dir.resolve("a"), new TargetModules.AllLinear(), 4, 9, 0.1);
    Path merged = AdapterFixtures.merged(base, adapter, dir.resolve("merged"));
    long[] prompt = {1, 40, 41, 42, 43, 100, 7};
    for (KvCacheGraph.Options options :
        List.of(KvCacheGraph.Options.standard(), KvCacheGraph.Options.fused())) {
      List<float[]> perRequest = logits(base, adapter, options, prompt);
      List<float[]> fromMerged = logits(merged, null, options, prompt);
      List<float[]> baseOnly = logits(base, null, options, prompt);
      double worst = 0;
      double effect = 0;
      for (int i = 0; i < perRequest.size(); i++) {
        worst = Math.max(worst, maxDiff(perRequest.get(i), fromMerged.get(i)));
        effect = Math.max(effect, maxDiff(perRequest.get(i), baseOnly.get(i)));
      }
      System.out.printf(
          "%s %s: adapter per request vs merged %.2e (adapter moves logits by %.2e)%n",
          type, options.attention(), worst, effect);
      assertTrue(worst <= 1e-5, "per-request adapter differs from merged weights by " + worst);
      assertTrue(effect > 1e-2, "the adapter should change the logits, moved them by " + effect);
    }
  }

  /** Logits of the prompt and of 5 greedy steps, with the adapter in slot 1 of a registry. */
  private static List<float[]> logits(
      Path model, Path adapter, KvCacheGraph.Options options, long[] prompt) throws Exception {
    try (HfModelDir dir = HfModelDir.open(model)) {
      ModelArchitecture arch = ModelArchitecture.of(dir.config());
      AdapterRegistry registry = new AdapterRegistry(arch, 1L << 24);
      int slot = 0;
      AdapterLease lease = null;
      if (adapter != null) {
        registry.register("a", adapter);
        lease = registry.acquire("a");
        slot = lease.slot();
      }
      try (InferenceModel inference =
          new InferenceModel(
              arch.bind(dir.weights()), WeightFormat.FP32, options, SessionConfig.defaults())) {
        var stacks = registry.stacks();
        KvDecoder decoder = inference.decoder(stacks);
        SlotKvCache cache = new SlotKvCache(decoder.graph().layout());
        cache.reserve(1, 64, 0);
        List<float[]> out = new ArrayList<>();
        float[] l = decoder.prefill(cache, 0, prompt, slot, inference.loraInputs(stacks));
        int v = dir.config().vocabularySize();
        for (int step = 0; step < 5; step++) {
          out.add(l);
          int next = TokenSampler.argmax(l);
          FloatBuffer b =
              decoder.decode(
                  cache, 1, new long[] {next}, new int[] {slot}, inference.loraInputs(stacks));
          l = new float[v];
          b.get(l);
        }
        out.add(l);
        return out;
      } finally {
        if (lease != null) {
          lease.close();
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = KvCacheGraph.AttentionKernel.class)
  void mixedAdapterBatchMatchesEachRequestAlone(KvCacheGraph.AttentionKernel kernel)
      throws Exception {
    Path base = dir.resolve("base");
    TinyModelGenerator.generate(ModelType.LLAMA, base, 6);
    Path adapters = dir.resolve("adapters");
    // Different ranks and targets: the stacks pad ranks and the union of modules grows.
    AdapterFixtures.randomAdapter(
        base, adapters.resolve("poet"), AdapterFixtures.names("q_proj", "v_proj"), 4, 1, 0.2);
    AdapterFixtures.randomAdapter(
        base, adapters.resolve("lawyer"), new TargetModules.AllLinear(), 8, 2, 0.15);
    AdapterFixtures.randomAdapter(
        base, adapters.resolve("coder"), AdapterFixtures.names("o_proj", "down_proj"), 2, 3, 0.3);
    KvCacheGraph.Options options =
        kernel == KvCacheGraph.AttentionKernel.STANDARD
            ? KvCacheGraph.Options.standard()
            : KvCacheGraph.Options.fused();
    EngineConfig config = EngineConfig.defaults().withGraph(options);
    String[] adapterOf = {null, "poet", "lawyer", "coder", "poet", null, "coder", "lawyer"};
    List<GenerationRequest> requests = new ArrayList<>();
    for (int i = 0; i < adapterOf.length; i++) {
      int[] prompt = new int[3 + i];
      for (int t = 0; t < prompt.length; t++) {
        prompt[t] = 5 + (t * 37 + i * 11) % 250;
      }
      requests.add(GenerationRequest.greedy(prompt, 6 + 2 * i).withAdapter(adapterOf[i]));
    }
    List<int[]> alone = new ArrayList<>();
    try (DecodeEngine engine = DecodeEngine.open(base, config)) {
      engine.adapters().registerAll(adapters);
      for (GenerationRequest r : requests) {
        alone.add(engine.generate(r).tokens());
      }
    }
    try (DecodeEngine engine = DecodeEngine.open(base, config)) {
      engine.adapters().registerAll(adapters);
      List<GenerationHandle> handles = new ArrayList<>();
      for (GenerationRequest r : requests) {
        handles.add(engine.submit(r, null));
      }
      for (int i = 0; i < requests.size(); i++) {
        GenerationResult r = handles.get(i).result().join();
        assertEquals(FinishReason.LENGTH, r.finishReason(), r.toString());
        assertArrayEquals(alone.get(i), r.tokens(), "request " + i + " (" + adapterOf[i] + ")");
      }
      EngineStats stats = engine.stats();
      System.out.println(kernel + " mixed batch stats: " + stats);
      assertTrue(
          stats.steps() < requests.stream().mapToInt(GenerationRequest::maxNewTokens).sum(),
          "requests should have shared decoding steps: " + stats);
      assertEquals(3, stats.adapters().loaded());
    }
    // The adapters really differ from the base and from each other.
    assertFalse(
        java.util.Arrays.equals(alone.get(0), alone.get(1))
            && java.util.Arrays.equals(alone.get(1), alone.get(2)));
  }

  static double maxDiff(float[] a, float[] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }

  static Map<String, Object> none() {
    return Map.of();
  }
}
