package dev.armory.engine.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.engine.fixtures.TinyModelGenerator;
import dev.armory.engine.generate.DecodeEngine;
import dev.armory.engine.generate.EngineConfig;
import dev.armory.engine.generate.EngineLimits;
import dev.armory.engine.generate.FinishReason;
import dev.armory.engine.generate.GenerationHandle;
import dev.armory.engine.generate.GenerationListener;
import dev.armory.engine.generate.GenerationRequest;
import dev.armory.engine.generate.GenerationResult;
import dev.armory.engine.generate.QueueFullException;
import dev.armory.engine.generate.SamplingParams;
import dev.armory.engine.generate.SequentialEngine;
import dev.armory.engine.generate.TokenDelta;
import dev.armory.engine.generate.adapters.UnknownAdapterException;
import dev.armory.engine.hf.ModelType;
import dev.armory.engine.runtime.SessionConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** An ONNX export served through the serving-engine contract answers as the decode engine does. */
class ExportServingTest {
  @TempDir Path dir;

  private Path export(ModelType type, Path model) throws Exception {
    TinyModelGenerator.generate(type, model, 8);
    Path out = dir.resolve("export");
    OnnxExporter.export(
        ExportRequest.of(model, List.of(), ExportPrecision.FP32, out)
            .withParity(ParitySettings.defaults().withGreedyTokens(2)));
    return out;
  }

  @ParameterizedTest
  @EnumSource(ModelType.class)
  void greedyAndSeededSamplingMatchTheDecodeEngine(ModelType type) throws Exception {
    Path model = dir.resolve("model");
    Path out = export(type, model);
    List<GenerationRequest> requests = new ArrayList<>();
    try (DecodeEngine engine = DecodeEngine.open(model, EngineConfig.defaults());
        SequentialEngine served =
            ExportServing.open(out, EngineLimits.defaults(), SessionConfig.defaults())) {
      assertTrue(ExportServing.isExport(out));
      assertEquals("fp32", served.weightsLabel());
      assertTrue(served.adapterRegistry().isEmpty());
      for (String prompt : List.of("Once upon a time", "The cat sat", "Hello there")) {
        requests.add(GenerationRequest.greedy(engine.encode(prompt, true), 20));
      }
      requests.add(
          GenerationRequest.greedy(engine.encode("A dog", true), 12)
              .withSampling(SamplingParams.sampled(0.9, 77).withTopK(40)));
      requests.add(
          GenerationRequest.greedy(engine.encode("A dog", true), 30).withStopStrings(List.of("e")));
      for (GenerationRequest r : requests) {
        GenerationResult expected = engine.generate(r);
        GenerationResult actual = served.generate(r);
        assertArrayEquals(expected.tokens(), actual.tokens(), type + " tokens");
        assertEquals(expected.text(), actual.text());
        assertEquals(expected.finishReason(), actual.finishReason());
        assertEquals(expected.completionTokens(), actual.completionTokens());
      }
      assertEquals(requests.size(), served.stats().finished());
    }
  }

  @Test
  void requestsQueueRunOneAtATimeAndCancelOrRejectCleanly() throws Exception {
    Path model = dir.resolve("model");
    Path out = export(ModelType.LLAMA, model);
    EngineLimits limits = EngineLimits.defaults().withMaxQueuedRequests(1).withMaxNewTokens(200);
    try (SequentialEngine served = ExportServing.open(out, limits, SessionConfig.defaults())) {
      int[] prompt = served.encode("Once upon a time", true);
      GenerationRequest alone = GenerationRequest.greedy(prompt, 8);
      GenerationResult expected = served.generate(alone);

      // A listener sees every token, then the end.
      List<Integer> streamed = new ArrayList<>();
      CompletableFuture<GenerationResult> ended = new CompletableFuture<>();
      served.submit(
          alone,
          new GenerationListener() {
            @Override
            public void onToken(TokenDelta delta) {
              streamed.add(delta.tokenId());
            }

            @Override
            public void onFinish(GenerationResult result) {
              ended.complete(result);
            }
          });
      assertArrayEquals(
          expected.tokens(), ended.get(30, TimeUnit.SECONDS).tokens(), "streamed request");
      assertEquals(expected.completionTokens(), streamed.size());

      assertThrows(
          UnknownAdapterException.class, () -> served.submit(alone.withAdapter("poet"), null));

      // Cancelled at once: ends CANCELLED before its max_tokens.
      GenerationHandle cancelled = served.submit(GenerationRequest.greedy(prompt, 200), null);
      cancelled.cancel();
      GenerationResult r = cancelled.result().get(30, TimeUnit.SECONDS);
      assertEquals(FinishReason.CANCELLED, r.finishReason());
      assertTrue(r.completionTokens() < 200);

      // One running, one queued, the rest rejected.
      List<GenerationHandle> accepted = new ArrayList<>();
      int rejected = 0;
      for (int i = 0; i < 6; i++) {
        try {
          accepted.add(served.submit(GenerationRequest.greedy(prompt, 200), null));
        } catch (QueueFullException e) {
          assertTrue(e.getMessage().contains("max_queued_requests = 1"), e.getMessage());
          rejected++;
        }
      }
      assertTrue(rejected >= 1, "no request was rejected");
      for (GenerationHandle h : accepted) {
        FinishReason reason = h.result().get(60, TimeUnit.SECONDS).finishReason();
        assertTrue(reason == FinishReason.LENGTH || reason == FinishReason.STOP, reason.name());
      }
    }
  }
}
