package dev.armory.engine.generate.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.engine.fixtures.TinyModelGenerator;
import dev.armory.engine.generate.FullRecomputeGenerator;
import dev.armory.engine.generate.TokenChooser;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.hf.HfModelDir;
import dev.armory.engine.hf.ModelType;
import dev.armory.engine.models.CheckpointBinding;
import dev.armory.engine.models.ModelArchitecture;
import dev.armory.engine.models.ModelParameters;
import dev.armory.engine.runtime.GraphSession;
import dev.armory.engine.runtime.SessionConfig;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * KV-cache graphs against the training forward (full recompute) on the tiny models of all four
 * architectures, with each attention kernel and with the fused kernels: logits of the prompt and of
 * every decoding step, and greedy tokens.
 */
class KvCacheGraphTest {
  static final TinyModelGenerator.Vocabulary VOCABULARY =
      new TinyModelGenerator.Vocabulary(300, 1, 2, 0);

  @TempDir Path dir;

  static Stream<Arguments> cases() {
    KvCacheGraph.Options standard = KvCacheGraph.Options.standard();
    KvCacheGraph.Options gqa =
        new KvCacheGraph.Options(KvCacheGraph.AttentionKernel.GROUP_QUERY, false, false, false);
    KvCacheGraph.Options fused = KvCacheGraph.Options.fused();
    // Standard attention with the contrib norms and RotaryEmbedding (GroupQueryAttention rotates
    // in-kernel when the head size allows, so this is where RotaryEmbedding meets every model).
    KvCacheGraph.Options contribAroundStandard =
        new KvCacheGraph.Options(KvCacheGraph.AttentionKernel.STANDARD, true, true, false);
    return Stream.of(ModelType.values())
        .flatMap(
            t ->
                Stream.of(
                    Arguments.of(t, standard),
                    Arguments.of(t, gqa),
                    Arguments.of(t, fused),
                    Arguments.of(t, contribAroundStandard)));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void logitsAndGreedyTokensMatchFullRecompute(ModelType type, KvCacheGraph.Options options)
      throws Exception {
    TinyModelGenerator.writeModel(TinyModelGenerator.tinyConfig(type, VOCABULARY), dir, 11);
    long[] prompt = {1, 17, 42, 99, 7, 250, 31, 64, 5, 120, 77};
    int steps = 14; // prompt + steps crosses Mistral's 8-token window twice over
    try (HfModelDir model = HfModelDir.open(dir)) {
      ModelArchitecture arch = ModelArchitecture.of(model.config());
      CheckpointBinding binding = arch.bind(model.weights());
      int v = model.config().vocabularySize();
      try (FullRecomputeGenerator reference =
              new FullRecomputeGenerator(binding, SessionConfig.defaults());
          KvDecoder decoder = decoder(binding, options)) {
        SlotKvCache cache = new SlotKvCache(decoder.graph().layout());
        cache.reserve(1, 64, 0);
        float[] logits = decoder.prefill(cache, 0, prompt, 0, Map.of());
        double worst = 0;
        long[] seq = Arrays.copyOf(prompt, prompt.length + steps);
        long[] kvTokens = new long[steps];
        for (int s = 0; s < steps; s++) {
          int n = prompt.length + s;
          float[] expected = reference.lastLogits(Arrays.copyOf(seq, n));
          worst = Math.max(worst, maxDiff(expected, logits));
          int next = TokenChooser.greedy().choose(logits);
          seq[n] = next;
          kvTokens[s] = next;
          FloatBuffer out = decoder.decode(cache, 1, new long[] {next}, new int[] {0}, Map.of());
          logits = new float[v];
          out.get(logits);
        }
        long[] greedy =
            reference.generate(prompt, steps, Set.of(), TokenChooser.greedy(), t -> {}).newTokens();
        System.out.printf(
            "%s %s: max |logit diff| %.3e over %d steps%n", type, options, worst, steps);
        assertTrue(worst < 1e-4, "KV logits differ from full recompute by " + worst);
        assertArrayEquals(greedy, kvTokens);
      }
    }
  }

  static KvDecoder decoder(CheckpointBinding binding, KvCacheGraph.Options options) {
    ModelArchitecture arch = binding.architecture();
    GraphBuilder b = GraphBuilder.create("kv-" + arch.modelType());
    KvCacheGraph g = KvCacheGraph.build(b, arch, ModelParameters.frozen(binding), null, options);
    return new KvDecoder(
        g,
        GraphSession.create(g.graph(), SessionConfig.defaults()),
        arch.config().vocabularySize());
  }

  static double maxDiff(float[] a, float[] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }
}
