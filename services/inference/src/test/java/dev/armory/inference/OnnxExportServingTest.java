package dev.armory.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.engine.export.ExportPrecision;
import dev.armory.engine.export.ExportRequest;
import dev.armory.engine.export.OnnxExporter;
import dev.armory.engine.export.ParitySettings;
import dev.armory.engine.generate.DecodeEngine;
import dev.armory.engine.generate.EngineConfig;
import dev.armory.engine.generate.GenerationRequest;
import dev.armory.engine.generate.GenerationResult;
import dev.armory.proto.inference.v1.GenerateRequest;
import dev.armory.proto.inference.v1.GenerateResponse;
import dev.armory.proto.inference.v1.InferenceGrpc;
import dev.armory.proto.inference.v1.ListAdaptersRequest;
import dev.armory.proto.inference.v1.ListModelsRequest;
import dev.armory.proto.inference.v1.LoadAdapterRequest;
import dev.armory.proto.inference.v1.Model;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An Armory ONNX export (model.onnx + model.onnx.json) served through the same API answers as the
 * decode engine answers over the Hugging Face directory it came from; it takes no adapters.
 */
class OnnxExportServingTest {
  @TempDir static Path dir;
  static TinyServing fixture;
  static Path export;
  static InferenceServer server;
  static ManagedChannel channel;

  @BeforeAll
  static void start() throws Exception {
    fixture = TinyServing.create(dir);
    export = dir.resolve("tiny-llama-onnx");
    OnnxExporter.export(
        ExportRequest.of(fixture.model, List.of(), ExportPrecision.FP32, export)
            .withParity(ParitySettings.defaults().withGreedyTokens(2)));
    Map<String, Object> p = fixture.properties();
    p.put("armory.inference.model-dir", export.toString());
    p.remove("armory.inference.adapters-dir");
    server = InferenceServer.start(p);
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
  void concurrentStreamsFromTheExportEqualTheEngineOnTheSourceModel() throws Exception {
    List<GenerateRequest> requests = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      requests.add(InferenceApiTest.request(InferenceApiTest.PROMPTS.get(i), null, 16));
    }
    InferenceGrpc.InferenceStub async =
        InferenceGrpc.newStub(channel).withDeadlineAfter(120, TimeUnit.SECONDS);
    List<StreamCollector> streams = new ArrayList<>();
    for (GenerateRequest r : requests) {
      StreamCollector c = new StreamCollector();
      async.generateStream(r, c);
      streams.add(c);
    }
    try (DecodeEngine engine = DecodeEngine.open(fixture.model, EngineConfig.defaults())) {
      for (int i = 0; i < requests.size(); i++) {
        StreamCollector c = streams.get(i);
        assertEquals(Status.Code.OK, c.done.get(120, TimeUnit.SECONDS).getCode());
        GenerationResult expected =
            engine.generate(
                GenerationRequest.greedy(engine.encode(requests.get(i).getText(), true), 16));
        List<Integer> tokens = new ArrayList<>();
        for (int t : expected.tokens()) {
          tokens.add(t);
        }
        assertEquals(tokens, c.tokens(), "request " + i);
        assertEquals(expected.text(), c.text.toString());
        assertEquals("tiny-llama-onnx", c.finish.getModel());
      }
      GenerateResponse unary = blocking().generate(requests.get(0));
      assertEquals(streams.get(0).tokens(), unary.getTokenIdsList());
    }
  }

  @Test
  void theExportIsListedAsOnnxWithoutAdapters() {
    Model m = blocking().listModels(ListModelsRequest.getDefaultInstance()).getModels(0);
    assertEquals("onnx", m.getSource());
    assertEquals("fp32", m.getWeightFormat());
    assertFalse(m.getSupportsAdapters());
    assertEquals(256, m.getContextLength());
    assertEquals(
        0, blocking().listAdapters(ListAdaptersRequest.getDefaultInstance()).getAdaptersCount());

    StatusRuntimeException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            StatusRuntimeException.class,
            () -> blocking().generate(InferenceApiTest.request("Hi", "poet", 4)));
    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("without adapters"), e.getMessage());
    e =
        org.junit.jupiter.api.Assertions.assertThrows(
            StatusRuntimeException.class,
            () -> blocking().loadAdapter(LoadAdapterRequest.newBuilder().setId("poet").build()));
    assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());

    e =
        org.junit.jupiter.api.Assertions.assertThrows(
            StatusRuntimeException.class,
            () -> blocking().generate(InferenceApiTest.request("Hi", null, 201)));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
  }
}
