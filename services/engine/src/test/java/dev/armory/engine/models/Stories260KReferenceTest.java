package dev.armory.engine.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.armory.engine.fixtures.SharedModels;
import dev.armory.engine.generate.FullRecomputeGenerator;
import dev.armory.engine.generate.TokenChooser;
import dev.armory.engine.hf.HfModelDir;
import dev.armory.engine.runtime.SessionConfig;
import dev.armory.engine.tokenizer.HfTokenizer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real stories260K checkpoint: graph logits and greedy decoding against the Java reference. */
class Stories260KReferenceTest {
  static final int NEW_TOKENS = 50;

  static Path modelDir;

  @BeforeAll
  static void findModel() {
    Optional<Path> dir = SharedModels.stories260K();
    if (dir.isEmpty()) {
      System.out.println(SharedModels.stories260KAbsentReason());
    }
    modelDir = dir.orElse(null);
  }

  @Test
  void graphLogitsMatchReference() throws Exception {
    assumeTrue(modelDir != null, SharedModels.stories260KAbsentReason());
    try (HfModelDir model = HfModelDir.open(modelDir)) {
      CheckpointBinding checkpoint = ModelArchitecture.of(model.config()).bind(model.weights());
      // Row 0: the prompt and arbitrary further tokens; row 1: its first 10 tokens left-padded by
      // 4.
      long[] story = {1, 403, 407, 261, 378, 430, 381, 261, 315, 270, 270, 336, 284, 289};
      int seq = story.length;
      long[] ids = new long[2 * seq];
      long[] mask = new long[2 * seq];
      System.arraycopy(story, 0, ids, 0, seq);
      System.arraycopy(story, 0, ids, seq + 4, seq - 4);
      for (int t = 0; t < 2 * seq; t++) {
        mask[t] = t < seq || t >= seq + 4 ? 1 : 0;
      }
      long[] positions = Positions.fromMask(mask, 2, seq);
      double[][][] expected = new LlamaReference(checkpoint).logits(ids, mask, positions, 2, seq);
      double[][][] actual;
      try (ForwardRunner graph = new ForwardRunner(checkpoint)) {
        actual = graph.logits(ids, mask, positions, 2, seq);
      }
      double worst = 0;
      double largest = 0;
      for (int b = 0; b < 2; b++) {
        for (int t = 0; t < seq; t++) {
          if (mask[b * seq + t] == 0) {
            continue;
          }
          for (int v = 0; v < expected[b][t].length; v++) {
            worst = Math.max(worst, Math.abs(expected[b][t][v] - actual[b][t][v]));
            largest = Math.max(largest, Math.abs(expected[b][t][v]));
          }
        }
      }
      System.out.printf(
          "stories260K: graph vs reference max abs diff %.3e (max |logit| %.2f)%n", worst, largest);
      assertTrue(worst <= ReferenceParityTest.TOLERANCE, "max abs diff " + worst);
    }
  }

  @Test
  void greedyStoryMatchesReferenceTokenForToken() throws Exception {
    assumeTrue(modelDir != null, SharedModels.stories260KAbsentReason());
    try (HfModelDir model = HfModelDir.open(modelDir)) {
      CheckpointBinding checkpoint = ModelArchitecture.of(model.config()).bind(model.weights());
      long[] prompt;
      String graphText;
      String referenceText;
      long[] expected;
      long[] actual;
      try (HfTokenizer tokenizer = HfTokenizer.load(modelDir)) {
        prompt = Arrays.stream(tokenizer.encode("Once upon a time", true)).asLongStream().toArray();
        expected = new LlamaReference(checkpoint).greedy(prompt, NEW_TOKENS);
        try (FullRecomputeGenerator g =
            new FullRecomputeGenerator(checkpoint, SessionConfig.defaults())) {
          actual =
              g.generate(prompt, NEW_TOKENS, Set.of(), TokenChooser.greedy(), t -> {}).newTokens();
        }
        graphText = tokenizer.decode(ints(prompt, actual), true);
        referenceText = tokenizer.decode(ints(prompt, expected), true);
      }
      System.out.println("stories260K prompt ids: " + Arrays.toString(prompt));
      System.out.println("stories260K greedy (graph):     " + graphText);
      System.out.println("stories260K greedy (reference): " + referenceText);
      assertArrayEquals(expected, actual, "graph and reference decode differently");
    }
  }

  private static int[] ints(long[] a, long[] b) {
    int[] out = new int[a.length + b.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = Math.toIntExact(i < a.length ? a[i] : b[i - a.length]);
    }
    return out;
  }
}
