package dev.armory.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.proto.inference.v1.FinishReason;
import dev.armory.proto.inference.v1.GenerateRequest;
import dev.armory.proto.inference.v1.GenerateResponse;
import dev.armory.proto.inference.v1.GenerateStreamResponse;
import dev.armory.proto.inference.v1.InferenceGrpc;
import io.grpc.ManagedChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Inference API over a real port: generation, streaming, adapters, models. */
class InferenceApiTest {
  @TempDir static Path dir;
  static TinyServing fixture;
  static InferenceServer server;
  static ManagedChannel channel;

  @BeforeAll
  static void start() throws Exception {
    fixture = TinyServing.create(dir);
    server = InferenceServer.start(fixture.properties());
    channel = TinyServing.channel(server);
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

  @Test
  void streamGivesTheUnaryTokensThenAFinalMessage() {
    GenerateRequest request =
        GenerateRequest.newBuilder().setText("Once upon a time").setMaxTokens(12).build();
    GenerateResponse whole = blocking().generate(request);
    List<Integer> streamed = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    GenerateStreamResponse last = null;
    Iterator<GenerateStreamResponse> it = blocking().generateStream(request);
    while (it.hasNext()) {
      last = it.next();
      if (last.hasDelta()) {
        assertEquals(streamed.size(), last.getDelta().getIndex());
        streamed.add(last.getDelta().getTokenId());
        text.append(last.getDelta().getText());
      }
    }
    assertTrue(last != null && last.hasFinish(), "the stream ends with a finish message");
    assertEquals(whole.getTokenIdsList(), streamed);
    assertEquals(whole.getText(), text.toString());
    assertFalse(streamed.isEmpty());
    var finish = last.getFinish();
    assertEquals(streamed.size(), finish.getUsage().getCompletionTokens());
    assertEquals(
        finish.getUsage().getPromptTokens() + streamed.size(), finish.getUsage().getTotalTokens());
    assertTrue(
        finish.getFinishReason() == FinishReason.FINISH_REASON_LENGTH
            || finish.getFinishReason() == FinishReason.FINISH_REASON_STOP);
    assertEquals("tiny-llama", finish.getModel());
  }
}
