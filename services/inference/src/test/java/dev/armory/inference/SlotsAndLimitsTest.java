package dev.armory.inference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.engine.generate.ServingEngine;
import dev.armory.proto.inference.v1.FinishReason;
import dev.armory.proto.inference.v1.GenerateRequest;
import dev.armory.proto.inference.v1.GenerateResponse;
import dev.armory.proto.inference.v1.InferenceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One batch row and one queue place: a cancelled or expired call frees its row for the next
 * request, and requests beyond the queue get RESOURCE_EXHAUSTED.
 */
class SlotsAndLimitsTest {
  static final int LONG = 200;

  @TempDir static Path dir;
  static InferenceServer server;
  static ManagedChannel channel;
  static ServingEngine engine;

  /** A prompt the tiny model continues for LONG tokens without an end-of-sequence token. */
  static GenerateRequest longRequest;

  @BeforeAll
  static void start() throws Exception {
    Map<String, Object> p = TinyServing.create(dir).properties();
    p.put("armory.inference.max-batch-size", 1);
    p.put("armory.inference.max-queued-requests", 1);
    server = InferenceServer.start(p);
    channel = TinyServing.channel(server);
    engine = server.generation().engine();
    for (String prompt : InferenceApiTest.PROMPTS) {
      GenerateRequest r = InferenceApiTest.request(prompt, null, LONG);
      if (blocking().generate(r).getFinish().getFinishReason()
          == FinishReason.FINISH_REASON_LENGTH) {
        longRequest = r;
        break;
      }
    }
    assertNotNull(longRequest, "no test prompt runs " + LONG + " tokens without EOS");
  }

  @AfterAll
  static void stop() throws Exception {
    TinyServing.close(channel);
    if (server != null) {
      server.close();
    }
  }

  static InferenceGrpc.InferenceBlockingStub blocking() {
    return InferenceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  static void awaitIdle() {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                server.generation().inFlight() == 0
                    && engine.stats().active() == 0
                    && engine.stats().queued() == 0);
  }

  static double cancelled() {
    var counter =
        server
            .context()
            .getBean(MeterRegistry.class)
            .find("armory.inference.requests")
            .tag("finish_reason", "cancelled")
            .counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void cancellingAStreamMidwayStopsItsGenerationAndFreesTheRow() throws Exception {
    awaitIdle();
    double cancelledBefore = cancelled();
    long tokensBefore = engine.stats().tokensGenerated();
    StreamCollector stream = new StreamCollector(n -> n == 3);
    InferenceGrpc.newStub(channel)
        .withDeadlineAfter(60, TimeUnit.SECONDS)
        .generateStream(longRequest, stream);
    assertEquals(Status.Code.CANCELLED, stream.done.get(60, TimeUnit.SECONDS).getCode());
    awaitIdle();
    assertEquals(cancelledBefore + 1, cancelled(), "the engine ended the request as cancelled");
    long generated = engine.stats().tokensGenerated() - tokensBefore;
    assertTrue(generated < LONG, "the generation went on to " + generated + " tokens");
    // The only row is free again: the next request runs to its end.
    GenerateResponse next = blocking().generate(InferenceApiTest.request("The sun was", null, 8));
    assertEquals(8, next.getFinish().getUsage().getCompletionTokens());
    System.out.printf("cancelled after 3 streamed tokens; the engine generated %d%n", generated);
  }

  @Test
  void anExpiredDeadlineEndsTheCallAndLeavesNothingRunning() {
    awaitIdle();
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                InferenceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(1, TimeUnit.MILLISECONDS)
                    .generate(longRequest));
    assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
    awaitIdle();
    assertEquals(
        8,
        blocking()
            .generate(InferenceApiTest.request("The sun was", null, 8))
            .getFinish()
            .getUsage()
            .getCompletionTokens());
  }

  @Test
  void requestsBeyondTheQueueGetResourceExhausted() throws Exception {
    awaitIdle();
    // One row and one queue place: of 12 long requests sent at once, some cannot even queue.
    InferenceGrpc.InferenceStub async =
        InferenceGrpc.newStub(channel).withDeadlineAfter(120, TimeUnit.SECONDS);
    List<StreamCollector> streams = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      StreamCollector c = new StreamCollector();
      async.generateStream(longRequest, c);
      streams.add(c);
    }
    int exhausted = 0;
    int completed = 0;
    for (StreamCollector c : streams) {
      Status status = c.done.get(120, TimeUnit.SECONDS);
      if (status.getCode() == Status.Code.RESOURCE_EXHAUSTED) {
        exhausted++;
        assertTrue(status.getDescription().contains("max_queued_requests = 1"), status.toString());
        assertTrue(c.tokens().isEmpty());
      } else {
        assertEquals(Status.Code.OK, status.getCode(), status.toString());
        assertEquals(LONG, c.tokens().size());
        completed++;
      }
    }
    System.out.printf(
        "12 long requests at once: %d completed, %d RESOURCE_EXHAUSTED%n", completed, exhausted);
    assertTrue(exhausted >= 1, "no request was rejected");
    assertTrue(completed >= 2, "the row and the queue place should each have served one");
  }
}
