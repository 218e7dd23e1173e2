package dev.armory.engine.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.engine.fixtures.SharedModels;
import dev.armory.engine.fixtures.TinyModelGenerator;
import dev.armory.engine.generate.adapters.UnknownAdapterException;
import dev.armory.engine.generate.kv.KvCacheGraph;
import dev.armory.engine.hf.HfModelDir;
import dev.armory.engine.hf.ModelType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The engine end to end: parity with full recompute, limits, cancellation, sampling, stops. */
class DecodeEngineTest {
  @TempDir Path dir;

  static Stream<Arguments> architecturesAndKernels() {
    return Stream.of(ModelType.values())
        .flatMap(
            t ->
                Stream.of(
                    Arguments.of(t, KvCacheGraph.Options.standard()),
                    Arguments.of(t, KvCacheGraph.Options.fused())));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("architecturesAndKernels")
  void greedyTokensEqualFullRecompute(ModelType type, KvCacheGraph.Options options)
      throws Exception {
    TinyModelGenerator.generate(type, dir, 21);
    int[] prompt = {1, 60, 61, 62, 63, 64, 65, 66, 67, 68};
    List<Integer> eos;
    try (DecodeEngine engine = DecodeEngine.open(dir, EngineConfig.defaults().withGraph(options))) {
      eos = List.copyOf(engine.stopTokenIds());
      GenerationResult kv = engine.generate(GenerationRequest.greedy(prompt, 40));
      long[] reference = fullRecompute(dir, prompt, 40, eos);
      assertArrayEquals(reference, Arrays.stream(kv.tokens()).asLongStream().toArray());
      assertEquals(prompt.length, kv.promptTokens());
      assertEquals(kv.tokens().length, kv.completionTokens());
    }
  }

  static long[] fullRecompute(Path model, int[] prompt, int n, List<Integer> eos) throws Exception {
    try (HfModelDir m = HfModelDir.open(model);
        FullRecomputeGenerator g =
            FullRecomputeGenerator.open(m, dev.armory.engine.runtime.SessionConfig.defaults())) {
      Set<Long> stops = eos.stream().map(Integer::longValue).collect(Collectors.toSet());
      return g.generate(
              Arrays.stream(prompt).asLongStream().toArray(),
              n,
              stops,
              TokenChooser.greedy(),
              t -> {})
          .newTokens();
    }
  }

  @Test
  void stories260KGreedy200TokensEqualFullRecompute() throws Exception {
    Optional<Path> stories = SharedModels.stories260K();
    if (stories.isEmpty()) {
      System.out.println(SharedModels.stories260KAbsentReason());
    }
    Assumptions.assumeTrue(stories.isPresent(), SharedModels.stories260KAbsentReason());
    try (DecodeEngine engine = DecodeEngine.open(stories.get(), EngineConfig.defaults())) {
      int[] prompt = engine.encode("Once upon a time", true);
      // No stop ids: compare all 200 tokens even past an end of story.
      GenerationResult kv = engine.generate(GenerationRequest.greedy(prompt, 200));
      long[] reference =
          fullRecompute(stories.get(), prompt, 200, List.copyOf(engine.stopTokenIds()));
      System.out.println("stories260K: " + kv.completionTokens() + " tokens: " + kv.text());
      assertArrayEquals(reference, Arrays.stream(kv.tokens()).asLongStream().toArray());
      assertTrue(kv.text().contains("Lily") || kv.text().length() > 100, kv.text());
    }
  }

  @Test
  void validationErrorsNameTheLimit() throws Exception {
    TinyModelGenerator.generate(ModelType.GPT2, dir, 3); // 128 positions
    EngineLimits limits = EngineLimits.defaults().withMaxPromptTokens(50).withMaxNewTokens(20);
    try (DecodeEngine engine = DecodeEngine.open(dir, EngineConfig.defaults().withLimits(limits))) {
      InvalidRequestException longPrompt =
          assertThrows(
              InvalidRequestException.class,
              () -> engine.submit(GenerationRequest.greedy(new int[51], 5), null));
      assertTrue(
          longPrompt.getMessage().contains("51") && longPrompt.getMessage().contains("50"),
          longPrompt.getMessage());
      InvalidRequestException tooMany =
          assertThrows(
              InvalidRequestException.class,
              () -> engine.submit(GenerationRequest.greedy(new int[3], 21), null));
      assertTrue(tooMany.getMessage().contains("limit is 20"), tooMany.getMessage());
      assertThrows(
          InvalidRequestException.class,
          () -> engine.submit(GenerationRequest.greedy(new int[] {1, 99999}, 2), null));
      assertThrows(InvalidRequestException.class, () -> GenerationRequest.greedy(new int[0], 2));
      assertThrows(InvalidRequestException.class, () -> new SamplingParams(-1, 0, 1, 1, null));
      assertThrows(InvalidRequestException.class, () -> new SamplingParams(1, 0, 0, 1, null));
      UnknownAdapterException unknown =
          assertThrows(
              UnknownAdapterException.class,
              () ->
                  engine.submit(
                      GenerationRequest.greedy(new int[] {1, 2}, 2).withAdapter("nope"), null));
      assertTrue(unknown.getMessage().contains("nope"));
    }
    EngineLimits smallCache = EngineLimits.defaults().withMaxKvCacheBytes(10_000);
    try (DecodeEngine engine =
        DecodeEngine.open(dir, EngineConfig.defaults().withLimits(smallCache))) {
      InvalidRequestException kv =
          assertThrows(
              InvalidRequestException.class,
              () -> engine.submit(GenerationRequest.greedy(new int[] {1, 2}, 60), null));
      assertTrue(kv.getMessage().contains("10000"), kv.getMessage());
    }
  }

  @Test
  void cancellationFreesTheRowAndAFullQueueRejects() throws Exception {
    TinyModelGenerator.generate(ModelType.LLAMA, dir, 4);
    EngineLimits limits = EngineLimits.defaults().withMaxBatchSize(1).withMaxQueuedRequests(1);
    try (DecodeEngine engine = DecodeEngine.open(dir, EngineConfig.defaults().withLimits(limits))) {
      CountDownLatch started = new CountDownLatch(3);
      GenerationListener slow =
          new GenerationListener() {
            @Override
            public void onToken(TokenDelta delta) {
              started.countDown();
            }
          };
      GenerationHandle running =
          engine.submit(
              GenerationRequest.greedy(new int[] {1, 5, 6}, 2000)
                  .withSampling(SamplingParams.greedy()),
              slow);
      assertTrue(started.await(30, TimeUnit.SECONDS), "the first request never produced tokens");
      GenerationHandle waiting =
          engine.submit(GenerationRequest.greedy(new int[] {1, 7, 8}, 5), null);
      QueueFullException full =
          assertThrows(
              QueueFullException.class,
              () -> engine.submit(GenerationRequest.greedy(new int[] {1, 9}, 5), null));
      assertTrue(full.getMessage().contains("max_queued_requests = 1"), full.getMessage());
      assertFalse(
          waiting.result().isDone(), "the second request cannot start while the only row is taken");
      running.cancel();
      GenerationResult cancelled = running.result().get(30, TimeUnit.SECONDS);
      assertEquals(FinishReason.CANCELLED, cancelled.finishReason());
      assertTrue(cancelled.completionTokens() < 2000);
      GenerationResult next = waiting.result().get(30, TimeUnit.SECONDS);
      assertEquals(FinishReason.LENGTH, next.finishReason());
      assertEquals(5, next.completionTokens());
      assertEquals(0, engine.stats().active());
    }
  }

  @Test
  void closingTheEngineCancelsWhatIsRunningAndQueued() throws Exception {
    TinyModelGenerator.generate(ModelType.GPT2, dir, 4);
    EngineLimits limits = EngineLimits.defaults().withMaxBatchSize(1);
    DecodeEngine engine = DecodeEngine.open(dir, EngineConfig.defaults().withLimits(limits));
    CountDownLatch started = new CountDownLatch(1);
    GenerationHandle running =
        engine.submit(
            GenerationRequest.greedy(new int[] {1, 5}, 120),
            new GenerationListener() {
              @Override
              public void onToken(TokenDelta delta) {
                started.countDown();
              }
            });
    GenerationHandle queued = engine.submit(GenerationRequest.greedy(new int[] {1, 6}, 5), null);
    assertTrue(started.await(30, TimeUnit.SECONDS));
    engine.close();
    FinishReason first = running.result().get(30, TimeUnit.SECONDS).finishReason();
    assertTrue(first == FinishReason.CANCELLED || first == FinishReason.LENGTH, first.toString());
    FinishReason second = queued.result().get(30, TimeUnit.SECONDS).finishReason();
    assertTrue(
        second == FinishReason.CANCELLED || second == FinishReason.LENGTH, second.toString());
    assertThrows(
        IllegalStateException.class,
        () -> engine.submit(GenerationRequest.greedy(new int[] {1}, 1), null));
  }

  @Test
  void seededSamplingIsReproducibleAloneAndInABatch() throws Exception {
    TinyModelGenerator.generate(ModelType.QWEN2, dir, 8);
    int[] prompt = {1, 30, 31, 32};
    SamplingParams sampling = new SamplingParams(1.2, 50, 0.95, 1.1, 1234L);
    try (DecodeEngine engine = DecodeEngine.open(dir, EngineConfig.defaults())) {
      GenerationRequest r = GenerationRequest.greedy(prompt, 24).withSampling(sampling);
      int[] first = engine.generate(r).tokens();
      // Same seed in a busy batch: other rows draw from their own generators.
      List<GenerationHandle> handles = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        handles.add(
            engine.submit(
                GenerationRequest.greedy(new int[] {1, 40 + i}, 30)
                    .withSampling(sampling.withSeed((long) i)),
                null));
      }
      GenerationHandle again = engine.submit(r, null);
      assertArrayEquals(first, again.result().join().tokens());
      handles.forEach(h -> h.result().join());
      int[] otherSeed = engine.generate(r.withSampling(sampling.withSeed(99L))).tokens();
      assertNotEquals(Arrays.toString(first), Arrays.toString(otherSeed));
      int[] greedy = engine.generate(GenerationRequest.greedy(prompt, 24)).tokens();
      int[] topOne =
          engine.generate(r.withSampling(sampling.withTopK(1).withRepetitionPenalty(1))).tokens();
      assertArrayEquals(greedy, topOne, "top_k = 1 samples the argmax");
      GenerationResult unseeded = engine.generate(r.withSampling(sampling.withSeed(null)));
      int[] replay = engine.generate(r.withSampling(sampling.withSeed(unseeded.seed()))).tokens();
      assertArrayEquals(unseeded.tokens(), replay, "the reported seed replays an unseeded request");
    }
  }

  @Test
  void stopStringSplitAcrossTokensEndsTheTextBeforeIt() throws Exception {
    TinyModelGenerator.generate(ModelType.LLAMA, dir, 12);
    try (DecodeEngine engine = DecodeEngine.open(dir, EngineConfig.defaults())) {
      int[] prompt = engine.encode("the cat sat on", true);
      GenerationResult free = engine.generate(GenerationRequest.greedy(prompt, 30));
      String text = free.text();
      // A stop string that starts inside one token's text and ends inside a later one.
      int[] ids = free.tokens();
      int cut = -1;
      String stop = null;
      for (int i = 0; i < ids.length - 1 && stop == null; i++) {
        String before = engine.tokenizer().decode(Arrays.copyOf(ids, i + 1), true);
        String after = engine.tokenizer().decode(Arrays.copyOf(ids, i + 2), true);
        if (before.length() >= 4 && after.length() > before.length() + 1) {
          cut = before.length() - 2;
          stop = after.substring(cut, before.length() + 1);
          if (text.indexOf(stop) != cut) {
            stop = null;
          }
        }
      }
      Assumptions.assumeTrue(
          stop != null, "no token boundary to split a stop string across in: " + text);
      List<String> streamed = new ArrayList<>();
      GenerationHandle h =
          engine.submit(
              GenerationRequest.greedy(prompt, 30).withStopStrings(List.of(stop)),
              new GenerationListener() {
                @Override
                public void onToken(TokenDelta delta) {
                  streamed.add(delta.text());
                }
              });
      GenerationResult stopped = h.result().join();
      assertEquals(FinishReason.STOP, stopped.finishReason());
      assertEquals(text.substring(0, cut), stopped.text());
      assertEquals(
          stopped.text(),
          String.join("", streamed),
          "streamed text never includes the stop string");
      assertFalse(String.join("", streamed).contains(stop));
      assertTrue(stopped.completionTokens() < free.completionTokens());
    }
  }

  @Test
  void lengthLimitAndContextCapCountTokens() throws Exception {
    TinyModelGenerator.generate(ModelType.GPT2, dir, 13);
    try (DecodeEngine engine = DecodeEngine.open(dir, EngineConfig.defaults())) {
      int[] prompt = {1, 50, 51};
      GenerationResult free = engine.generate(GenerationRequest.greedy(prompt, 12));
      assertEquals(FinishReason.LENGTH, free.finishReason());
      assertEquals(12, free.completionTokens());
      assertTrue(
          free.timeToFirstTokenNanos() > 0 && free.totalNanos() >= free.timeToFirstTokenNanos());
      // Context cap: 128 positions, a 120-token prompt leaves 8.
      int[] longPrompt = new int[120];
      Arrays.fill(longPrompt, 9);
      GenerationResult capped = engine.generate(GenerationRequest.greedy(longPrompt, 50));
      assertEquals(FinishReason.LENGTH, capped.finishReason());
      assertEquals(8, capped.completionTokens());
    }
  }
}
