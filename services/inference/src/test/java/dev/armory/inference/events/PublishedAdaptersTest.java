package dev.armory.inference.events;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.armory.engine.fixtures.TinyModelGenerator;
import dev.armory.engine.hf.HfModelDir;
import dev.armory.engine.hf.ModelType;
import dev.armory.engine.models.ModelArchitecture;
import dev.armory.engine.peft.LoraAdapter;
import dev.armory.engine.peft.LoraConfig;
import dev.armory.engine.peft.TargetModules;
import dev.armory.events.v1.AdapterPublished;
import dev.armory.events.v1.ArtifactKind;
import dev.armory.inference.InferenceServer;
import dev.armory.platform.PlatformConfig;
import dev.armory.platform.events.EventProducer;
import dev.armory.platform.events.Events;
import dev.armory.platform.events.Topics;
import dev.armory.platform.kafka.EmbeddedKafka;
import dev.armory.platform.store.ArtifactStore;
import dev.armory.platform.store.ManifestDetails;
import dev.armory.platform.store.StagedArtifact;
import dev.armory.proto.inference.v1.Adapter;
import dev.armory.proto.inference.v1.GenerateRequest;
import dev.armory.proto.inference.v1.InferenceGrpc;
import dev.armory.proto.inference.v1.ListAdaptersRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An AdapterPublished event on a real broker makes a running server serve the adapter. */
class PublishedAdaptersTest {
  @TempDir Path dir;

  @Test
  void aPublishedAdapterIsServedWithoutARestartAndOneForAnotherBaseIsSkipped() throws Exception {
    ArtifactStore store = ArtifactStore.open(dir.resolve("store"));
    for (String id : List.of("tiny", "other")) {
      try (StagedArtifact s = store.stage(ArtifactKind.ARTIFACT_KIND_MODEL, id)) {
        TinyModelGenerator.generate(ModelType.LLAMA, s.dir(), id.length());
        s.commit(ManifestDetails.create().producer("test"));
      }
    }
    Path model = store.dir(ArtifactKind.ARTIFACT_KIND_MODEL, "tiny");
    for (String id : List.of("run-7", "run-8")) {
      try (StagedArtifact s = store.stage(ArtifactKind.ARTIFACT_KIND_ADAPTER, id)) {
        randomAdapter(model, s.dir());
        s.commit(ManifestDetails.create().producer("test"));
      }
    }
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
      kafka.createTopics(Topics.all(), 1);
      PlatformConfig config = PlatformConfig.of(kafka.bootstrapServers(), store.root(), "test");
      try (EventProducer producer = new EventProducer(config);
          InferenceServer server =
              InferenceServer.start(
                  Map.of(
                      "armory.inference.model-dir",
                      model.toString(),
                      "armory.inference.default-max-tokens",
                      8,
                      "grpc.server.port",
                      0,
                      "armory.inference.events.enabled",
                      true,
                      PlatformConfig.BOOTSTRAP_SERVERS,
                      kafka.bootstrapServers(),
                      PlatformConfig.STORE_ROOT,
                      store.root().toString()))) {
        ManagedChannel channel =
            ManagedChannelBuilder.forAddress("localhost", server.port()).usePlaintext().build();
        try {
          InferenceGrpc.InferenceBlockingStub api = InferenceGrpc.newBlockingStub(channel);
          producer.sendAndWait(
              Events.envelope(
                  "run-8",
                  AdapterPublished.newBuilder()
                      .setAdapterName("elsewhere")
                      .setRunId("run-8")
                      .setAdapter(store.ref(ArtifactKind.ARTIFACT_KIND_ADAPTER, "run-8"))
                      .setBaseModel(store.ref(ArtifactKind.ARTIFACT_KIND_MODEL, "other"))
                      .build()));
          producer.sendAndWait(
              Events.envelope(
                  "run-7",
                  AdapterPublished.newBuilder()
                      .setAdapterName("poet")
                      .setRunId("run-7")
                      .setAdapter(store.ref(ArtifactKind.ARTIFACT_KIND_ADAPTER, "run-7"))
                      .setBaseModel(store.ref(ArtifactKind.ARTIFACT_KIND_MODEL, "tiny"))
                      .build()));

          await()
              .atMost(Duration.ofSeconds(60))
              .until(
                  () ->
                      api
                          .listAdapters(ListAdaptersRequest.getDefaultInstance())
                          .getAdaptersList()
                          .stream()
                          .anyMatch(a -> a.getId().equals("poet") && a.getLoaded()));
          List<String> ids =
              api.listAdapters(ListAdaptersRequest.getDefaultInstance()).getAdaptersList().stream()
                  .map(Adapter::getId)
                  .toList();
          assertFalse(ids.contains("elsewhere"), "an adapter of another base is skipped: " + ids);
          GenerateRequest base = GenerateRequest.newBuilder().setText("Once upon a time").build();
          String plain = api.generate(base).getText();
          String tuned = api.generate(base.toBuilder().setAdapterId("poet").build()).getText();
          assertNotEquals(plain, tuned, "the adapter changes the greedy answer");
          assertEquals(
              tuned, api.generate(base.toBuilder().setAdapterId("poet").build()).getText());
        } finally {
          channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
      }
    }
  }

  private static void randomAdapter(Path model, Path out) throws Exception {
    try (HfModelDir m = HfModelDir.open(model)) {
      ModelArchitecture arch = ModelArchitecture.of(m.config());
      LoraAdapter a =
          LoraAdapter.initialise(
              arch,
              LoraConfig.defaults().withRank(4).withTargets(new TargetModules.AllLinear()),
              1);
      SplittableRandom random = new SplittableRandom(5);
      for (LoraAdapter.Module mod : a.modules()) {
        for (FloatBuffer b : List.of(mod.a(), mod.b())) {
          for (int i = 0; i < b.capacity(); i++) {
            b.put(i, (float) (random.nextGaussian() * 0.3));
          }
        }
      }
      a.save(out);
    }
  }
}
