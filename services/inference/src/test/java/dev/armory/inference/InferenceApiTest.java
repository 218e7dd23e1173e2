package dev.armory.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.proto.inference.v1.Adapter;
import dev.armory.proto.inference.v1.ChatMessage;
import dev.armory.proto.inference.v1.ChatPrompt;
import dev.armory.proto.inference.v1.FinishReason;
import dev.armory.proto.inference.v1.GenerateRequest;
import dev.armory.proto.inference.v1.GenerateResponse;
import dev.armory.proto.inference.v1.GenerateStreamResponse;
import dev.armory.proto.inference.v1.InferenceGrpc;
import dev.armory.proto.inference.v1.ListAdaptersRequest;
import dev.armory.proto.inference.v1.ListAdaptersResponse;
import dev.armory.proto.inference.v1.ListModelsRequest;
import dev.armory.proto.inference.v1.ListModelsResponse;
import dev.armory.proto.inference.v1.LoadAdapterRequest;
import dev.armory.proto.inference.v1.LoadAdapterResponse;
import dev.armory.proto.inference.v1.Model;
import dev.armory.proto.inference.v1.SamplingParams;
import dev.armory.proto.inference.v1.UnloadAdapterRequest;
import dev.armory.proto.inference.v1.UnloadAdapterResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

  static GenerateRequest request(String prompt, String adapter, int maxTokens) {
    GenerateRequest.Builder b =
        GenerateRequest.newBuilder().setText(prompt).setMaxTokens(maxTokens);
    if (adapter != null) {
      b.setAdapterId(adapter);
    }
    return b.build();
  }

  static final List<String> PROMPTS =
      List.of(
          "Once upon a time",
          "The cat sat on",
          "In a small village there lived",
          "Tom and Lily went to the park",
          "She opened the box and saw",
          "The sun was",
          "A little bird",
          "One day, a dog named Max");

  @Test
  void thirtyTwoConcurrentStreamsOverFourAdaptersAndTheBaseMatchEachAlone() throws Exception {
    List<String> adapters = new ArrayList<>();
    adapters.add(null);
    adapters.addAll(TinyServing.ADAPTERS);
    List<GenerateRequest> requests = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      requests.add(request(PROMPTS.get(i % PROMPTS.size()), adapters.get(i % 5), 16 + i % 3 * 4));
    }
    // Alone: one request at a time, so each decodes in a batch of one.
    List<GenerateResponse> alone = new ArrayList<>();
    for (GenerateRequest r : requests) {
      alone.add(blocking().generate(r));
    }
    // The adapters matter: the same prompt gives other tokens under most of them.
    int differ = 0;
    for (String a : TinyServing.ADAPTERS) {
      GenerateResponse base = blocking().generate(request(PROMPTS.get(0), null, 16));
      GenerateResponse adapted = blocking().generate(request(PROMPTS.get(0), a, 16));
      if (!base.getTokenIdsList().equals(adapted.getTokenIdsList())) {
        differ++;
      }
    }
    assertTrue(differ >= 3, "only " + differ + " of 4 adapters changed the greedy output");

    var engine = server.generation().engine();
    long stepsBefore = engine.stats().steps();
    long tokensBefore = engine.stats().tokensGenerated();
    InferenceGrpc.InferenceStub async =
        InferenceGrpc.newStub(channel).withDeadlineAfter(120, TimeUnit.SECONDS);
    List<StreamCollector> streams = new ArrayList<>();
    for (GenerateRequest r : requests) {
      StreamCollector c = new StreamCollector();
      async.generateStream(r, c);
      streams.add(c);
    }
    for (int i = 0; i < streams.size(); i++) {
      StreamCollector c = streams.get(i);
      assertEquals(Status.Code.OK, c.done.get(120, TimeUnit.SECONDS).getCode(), "request " + i);
      GenerateResponse expected = alone.get(i);
      assertEquals(expected.getTokenIdsList(), c.tokens(), "request " + i + " token for token");
      assertEquals(expected.getText(), c.text.toString(), "request " + i + " text");
      assertEquals(
          expected.getFinish().getFinishReason(), c.finish.getFinishReason(), "request " + i);
      assertEquals(requests.get(i).getAdapterId(), c.finish.getAdapterId());
    }
    long steps = engine.stats().steps() - stepsBefore;
    long tokens = engine.stats().tokensGenerated() - tokensBefore;
    System.out.printf(
        "32 concurrent streams: %d tokens in %d decode steps (%.1f rows per step)%n",
        tokens, steps, tokens / (double) Math.max(1, steps));
    // Prefill tokens take no step, so batching is the only way steps fall below tokens − 32.
    assertTrue(steps < tokens - 32, "requests were not batched: " + steps + " steps for " + tokens);
  }

  static Status.Code codeOf(Runnable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
    return e.getStatus().getCode();
  }

  static StatusRuntimeException failure(Runnable call) {
    return assertThrows(StatusRuntimeException.class, call::run);
  }

  @Test
  void invalidRequestsGetTheirStatusCodesWithTheLimitInTheMessage() {
    GenerateRequest unknownAdapter = request("Hello", "no-such-adapter", 4);
    StatusRuntimeException e = failure(() -> blocking().generate(unknownAdapter));
    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("no-such-adapter"), e.getMessage());
    // A stream fails the same way, before any token.
    e = failure(() -> blocking().generateStream(unknownAdapter).hasNext());
    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());

    String longPrompt = "the cat sat on the mat and ".repeat(20);
    e = failure(() -> blocking().generate(request(longPrompt, null, 4)));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("the limit is 64 tokens"), e.getMessage());

    e = failure(() -> blocking().generate(request("Hello", null, 201)));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("the limit is 200"), e.getMessage());

    e = failure(() -> blocking().generate(GenerateRequest.newBuilder().setMaxTokens(4).build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("no prompt"), e.getMessage());

    e =
        failure(
            () ->
                blocking()
                    .generate(
                        GenerateRequest.newBuilder()
                            .setText("Hello")
                            .setSampling(SamplingParams.newBuilder().setTopP(1.5))
                            .build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("top_p"), e.getMessage());

    e =
        failure(
            () ->
                blocking()
                    .generate(
                        GenerateRequest.newBuilder().setText("Hello").setModel("gpt-9").build()));
    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("tiny-llama"), e.getMessage());

    // The server keeps serving after rejections.
    assertEquals(
        4,
        blocking()
            .generate(request("Hello", null, 4))
            .getFinish()
            .getUsage()
            .getCompletionTokens());
  }

  @Test
  void maxTokensZeroTakesTheServerDefaultAndSeededSamplingRepeats() {
    GenerateResponse r =
        blocking().generate(GenerateRequest.newBuilder().setText("The sun was").build());
    assertEquals(16, r.getFinish().getUsage().getCompletionTokens());
    GenerateRequest sampled =
        GenerateRequest.newBuilder()
            .setText("The sun was")
            .setMaxTokens(12)
            .setSampling(SamplingParams.newBuilder().setTemperature(1.0).setTopK(50).setSeed(1234))
            .build();
    GenerateResponse first = blocking().generate(sampled);
    GenerateResponse second = blocking().generate(sampled);
    assertEquals(first.getTokenIdsList(), second.getTokenIdsList());
    assertEquals(1234, first.getFinish().getSeed());
  }

  @Test
  void chatMessagesAreRenderedWithTheModelsTemplate() {
    GenerateRequest chat =
        GenerateRequest.newBuilder()
            .setChat(
                ChatPrompt.newBuilder()
                    .addMessages(ChatMessage.newBuilder().setRole("system").setContent("Be brief."))
                    .addMessages(ChatMessage.newBuilder().setRole("user").setContent("Hi there")))
            .setMaxTokens(8)
            .build();
    GenerateResponse r = blocking().generate(chat);
    var engine = server.generation().engine();
    String rendered =
        engine
            .tokenizer()
            .chatTemplate()
            .orElseThrow()
            .render(
                List.of(
                    dev.armory.engine.tokenizer.ChatMessage.system("Be brief."),
                    dev.armory.engine.tokenizer.ChatMessage.user("Hi there")),
                true);
    assertEquals(engine.encode(rendered, false).length, r.getFinish().getUsage().getPromptTokens());
    // Same tokens as the rendered text sent raw (the tiny tokenizer adds no BOS).
    GenerateResponse raw = blocking().generate(request(rendered, null, 8));
    assertEquals(raw.getTokenIdsList(), r.getTokenIdsList());

    StatusRuntimeException e =
        failure(
            () ->
                blocking()
                    .generate(
                        GenerateRequest.newBuilder()
                            .setChat(
                                ChatPrompt.newBuilder()
                                    .addMessages(ChatMessage.newBuilder().setContent("no role")))
                            .build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("role"), e.getMessage());
  }

  @Test
  void listModelsDescribesTheServedModel() {
    ListModelsResponse models = blocking().listModels(ListModelsRequest.getDefaultInstance());
    assertEquals(1, models.getModelsCount());
    Model m = models.getModels(0);
    assertEquals("tiny-llama", m.getId());
    assertEquals("llama", m.getModelType());
    assertEquals(256, m.getContextLength());
    assertEquals("fp32", m.getWeightFormat());
    assertTrue(m.getHasChatTemplate());
    assertTrue(m.getSupportsAdapters());
    assertEquals(64, m.getMaxPromptTokens());
    assertEquals(200, m.getMaxTokens());
  }

  @Test
  void adaptersAreListedLoadedUnloadedAndHotLoaded() throws Exception {
    ListAdaptersResponse list = blocking().listAdapters(ListAdaptersRequest.getDefaultInstance());
    List<String> ids = list.getAdaptersList().stream().map(Adapter::getId).toList();
    assertTrue(ids.containsAll(TinyServing.ADAPTERS), ids.toString());

    // A new adapter directory appears under the adapters dir; LoadAdapter registers it by path.
    TinyServing.randomAdapter(
        fixture.model, fixture.adapters.resolve("bard"), TinyServing.names("k_proj"), 2, 11);
    LoadAdapterResponse loaded =
        blocking()
            .loadAdapter(LoadAdapterRequest.newBuilder().setId("bard").setPath("bard").build());
    assertTrue(loaded.getAdapter().getLoaded());
    assertEquals(2, loaded.getAdapter().getRank());
    assertEquals(
        List.of("model.layers.0.self_attn.k_proj", "model.layers.1.self_attn.k_proj"),
        loaded.getAdapter().getTargetModulesList());
    blocking().generate(request("Hello", "bard", 4));

    UnloadAdapterResponse unloaded =
        blocking().unloadAdapter(UnloadAdapterRequest.newBuilder().setId("bard").build());
    assertTrue(unloaded.getWasLoaded());
    assertFalse(adapter("bard").getLoaded());
    // Loading by id alone makes a registered adapter resident again.
    assertTrue(
        blocking()
            .loadAdapter(LoadAdapterRequest.newBuilder().setId("bard").build())
            .getAdapter()
            .getLoaded());
    blocking()
        .unloadAdapter(UnloadAdapterRequest.newBuilder().setId("bard").setForget(true).build());
    assertEquals(
        Status.Code.NOT_FOUND, codeOf(() -> blocking().generate(request("Hello", "bard", 4))));
    assertEquals(
        Status.Code.NOT_FOUND,
        codeOf(
            () ->
                blocking().unloadAdapter(UnloadAdapterRequest.newBuilder().setId("bard").build())));

    // Paths outside the adapter roots are refused; missing directories are NOT_FOUND.
    Path outside =
        TinyServing.randomAdapter(
            fixture.model, dir.resolve("elsewhere"), TinyServing.names("q_proj"), 2, 12);
    assertEquals(
        Status.Code.PERMISSION_DENIED,
        codeOf(
            () ->
                blocking()
                    .loadAdapter(
                        LoadAdapterRequest.newBuilder()
                            .setId("x")
                            .setPath(outside.toString())
                            .build())));
    assertEquals(
        Status.Code.PERMISSION_DENIED,
        codeOf(
            () ->
                blocking()
                    .loadAdapter(
                        LoadAdapterRequest.newBuilder()
                            .setId("x")
                            .setPath("../elsewhere")
                            .build())));
    assertEquals(
        Status.Code.NOT_FOUND,
        codeOf(
            () ->
                blocking()
                    .loadAdapter(
                        LoadAdapterRequest.newBuilder().setId("x").setPath("missing").build())));
    assertEquals(
        Status.Code.INVALID_ARGUMENT,
        codeOf(
            () ->
                blocking()
                    .loadAdapter(
                        LoadAdapterRequest.newBuilder()
                            .setId("bad id!")
                            .setPath("coder")
                            .build())));

    // Hot-load from Java (what an AdapterPublished consumer calls): any directory, usable at once.
    server.adapters().hotLoad("elsewhere", outside);
    assertTrue(adapter("elsewhere").getLoaded());
    assertEquals(4, blocking().generate(request("Hello", "elsewhere", 4)).getTokenIdsCount());
  }

  private static Adapter adapter(String id) {
    return blocking()
        .listAdapters(ListAdaptersRequest.getDefaultInstance())
        .getAdaptersList()
        .stream()
        .filter(a -> a.getId().equals(id))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void metricsCountTokensRequestsAndAdapterCacheUse() throws Exception {
    blocking().generate(request("Once upon a time", "coder", 5));
    blocking().generate(request("Once upon a time", "coder", 5));
    MeterRegistry registry = server.context().getBean(MeterRegistry.class);
    assertTrue(registry.get("armory.inference.tokens.generated").functionCounter().count() >= 10);
    double hits = registry.get("armory.inference.adapter.cache.hits").functionCounter().count();
    double misses = registry.get("armory.inference.adapter.cache.misses").functionCounter().count();
    assertTrue(hits >= 1, "second use of a resident adapter is a hit");
    assertTrue(misses >= 1, "the first use of an adapter is a miss");
    assertTrue(
        registry
                .get("armory.inference.requests")
                .tag("finish_reason", "length")
                .tag("with_adapter", "true")
                .counter()
                .count()
            >= 2);
    assertEquals(0.0, registry.get("armory.inference.queue.depth").gauge().value());
    assertEquals(0.0, registry.get("armory.inference.batch.size").gauge().value());
    assertTrue(registry.get("armory.inference.tokens.per.second").gauge().value() >= 0);
    assertTrue(registry.get("armory.inference.time.to.first.token").timer().count() >= 2);

    // The same meters leave the JVM as a Prometheus scrape, beside an HTTP health check.
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> scrape =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://localhost:" + server.metricsPort() + "/prometheus"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, scrape.statusCode());
    for (String name :
        List.of(
            "armory_inference_tokens_generated_total",
            "armory_inference_tokens_per_second",
            "armory_inference_queue_depth",
            "armory_inference_batch_size",
            "armory_inference_adapter_cache_hits_total",
            "armory_inference_adapter_cache_misses_total",
            "armory_inference_requests_total{finish_reason=\"length\"")) {
      assertTrue(scrape.body().contains(name), name + " missing from the scrape");
    }
    HttpResponse<String> health =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://localhost:" + server.metricsPort() + "/health"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, health.statusCode());
    assertTrue(health.body().contains("UP"), health.body());
  }
}
