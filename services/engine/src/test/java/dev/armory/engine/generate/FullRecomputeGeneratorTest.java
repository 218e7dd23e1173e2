package dev.armory.engine.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.armory.engine.fixtures.TinyModelGenerator;
import dev.armory.engine.hf.HfModelDir;
import dev.armory.engine.hf.ModelType;
import dev.armory.engine.runtime.SessionConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stopping rules and choosers of the full-recompute generator on a tiny GPT-2 (128 positions). */
class FullRecomputeGeneratorTest {
  @TempDir Path dir;

  private HfModelDir tinyGpt2() throws Exception {
    TinyModelGenerator.writeModel(
        TinyModelGenerator.tinyConfig(
            ModelType.GPT2, new TinyModelGenerator.Vocabulary(300, 1, 2, 0)),
        dir,
        4);
    return HfModelDir.open(dir);
  }

  @Test
  void stopsAtStopTokenMaxTokensOrFullContext() throws Exception {
    long[] prompt = {1, 20, 30, 40};
    try (HfModelDir model = tinyGpt2();
        FullRecomputeGenerator g = FullRecomputeGenerator.open(model, SessionConfig.defaults())) {
      List<Long> streamed = new ArrayList<>();
      FullRecomputeGenerator.Generation free =
          g.generate(prompt, 6, Set.of(), TokenChooser.greedy(), streamed::add);
      assertEquals(FullRecomputeGenerator.StopReason.MAX_NEW_TOKENS, free.stopReason());
      assertEquals(6, free.newTokens().length);
      assertArrayEquals(free.newTokens(), streamed.stream().mapToLong(Long::longValue).toArray());

      // Declaring the third greedy token a stop token ends generation right after it.
      long third = free.newTokens()[2];
      int firstOccurrence = 0;
      while (free.newTokens()[firstOccurrence] != third) {
        firstOccurrence++;
      }
      FullRecomputeGenerator.Generation stopped =
          g.generate(prompt, 6, Set.of(third), TokenChooser.greedy(), t -> {});
      assertEquals(FullRecomputeGenerator.StopReason.STOP_TOKEN, stopped.stopReason());
      assertEquals(firstOccurrence + 1, stopped.newTokens().length);
      assertEquals(third, stopped.newTokens()[firstOccurrence]);

      long[] longPrompt = new long[126];
      java.util.Arrays.fill(longPrompt, 9);
      FullRecomputeGenerator.Generation full =
          g.generate(longPrompt, 5, Set.of(), TokenChooser.greedy(), t -> {});
      assertEquals(FullRecomputeGenerator.StopReason.CONTEXT_FULL, full.stopReason());
      assertEquals(2, full.newTokens().length);

      assertThrows(
          IllegalArgumentException.class,
          () -> g.generate(new long[129], 1, Set.of(), TokenChooser.greedy(), t -> {}));
    }
  }

  @Test
  void samplingIsReproducibleBySeedAndFollowsTemperature() throws Exception {
    long[] prompt = {1, 20, 30, 40};
    try (HfModelDir model = tinyGpt2();
        FullRecomputeGenerator g = FullRecomputeGenerator.open(model, SessionConfig.defaults())) {
      long[] a =
          g.generate(prompt, 8, Set.of(), TokenChooser.sampling(1.0, 7), t -> {}).newTokens();
      long[] b =
          g.generate(prompt, 8, Set.of(), TokenChooser.sampling(1.0, 7), t -> {}).newTokens();
      long[] greedy = g.generate(prompt, 8, Set.of(), TokenChooser.greedy(), t -> {}).newTokens();
      assertArrayEquals(a, b);
      // Logits of a random tiny model are nearly flat: temperature 1 wanders off the argmax.
      assertNotEquals(java.util.Arrays.toString(greedy), java.util.Arrays.toString(a));
      // A tiny temperature is greedy in all but name.
      long[] cold =
          g.generate(prompt, 8, Set.of(), TokenChooser.sampling(1e-4, 7), t -> {}).newTokens();
      assertArrayEquals(greedy, cold);
    }
  }

  @Test
  void choosersRejectNonsenseAndBreakTiesToTheFirstIndex() {
    assertEquals(1, TokenChooser.greedy().choose(new float[] {0f, 3f, 3f, -1f}));
    assertThrows(IllegalArgumentException.class, () -> TokenChooser.sampling(0, 1));
    assertThrows(IllegalArgumentException.class, () -> TokenChooser.sampling(Double.NaN, 1));
  }
}
