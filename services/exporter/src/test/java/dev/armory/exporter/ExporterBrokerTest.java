package dev.armory.exporter;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.engine.fixtures.TinyModelGenerator;
import dev.armory.engine.hf.HfModelDir;
import dev.armory.engine.hf.ModelType;
import dev.armory.engine.models.ModelArchitecture;
import dev.armory.engine.peft.LoraAdapter;
import dev.armory.engine.peft.LoraConfig;
import dev.armory.engine.peft.TargetModules;
import dev.armory.events.v1.AdapterPublished;
import dev.armory.events.v1.ArtifactKind;
import dev.armory.events.v1.ArtifactRef;
import dev.armory.events.v1.ExportOptions;
import dev.armory.events.v1.ExportRequested;
import dev.armory.events.v1.ExportedArtifact;
import dev.armory.events.v1.ModelExported;
import dev.armory.events.v1.PublishOptions;
import dev.armory.events.v1.TrainingCompleted;
import dev.armory.platform.PlatformConfig;
import dev.armory.platform.events.EventHeaders;
import dev.armory.platform.events.EventProducer;
import dev.armory.platform.events.Events;
import dev.armory.platform.events.Topics;
import dev.armory.platform.kafka.EmbeddedKafka;
import dev.armory.platform.store.ArtifactStore;
import dev.armory.platform.store.ManifestDetails;
import dev.armory.platform.store.StagedArtifact;
import dev.armory.platform.testing.EventLog;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exporter service on a real embedded KRaft broker, over a tiny model and adapter. */
class ExporterBrokerTest {
  @TempDir static Path dir;
  static EmbeddedKafka kafka;
  static ArtifactStore store;
  static EventProducer producer;
  static EventLog log;
  static ExporterServer exporter;

  @BeforeAll
  static void start() throws Exception {
    kafka = EmbeddedKafka.start(dir.resolve("kafka"));
    kafka.createTopics(Topics.all(), 1);
    store = ArtifactStore.open(dir.resolve("store"));
    try (StagedArtifact s = store.stage(ArtifactKind.ARTIFACT_KIND_MODEL, "tiny")) {
      TinyModelGenerator.generate(ModelType.LLAMA, s.dir(), 5);
      s.commit(ManifestDetails.create().producer("test"));
    }
    try (StagedArtifact s = store.stage(ArtifactKind.ARTIFACT_KIND_ADAPTER, "run-1")) {
      randomAdapter(store.dir(ArtifactKind.ARTIFACT_KIND_MODEL, "tiny"), s.dir());
      // what the trainer records for a QLoRA adapter: the export merges into the NF4 base
      s.commit(ManifestDetails.create().producer("test").hyperparameter("base_weights", "nf4"));
    }
    producer = new EventProducer(PlatformConfig.of(kafka.bootstrapServers(), store.root(), "test"));
    log = new EventLog(kafka.bootstrapServers(), Topics.all());
    exporter =
        ExporterServer.start(
            Map.of(
                PlatformConfig.BOOTSTRAP_SERVERS,
                kafka.bootstrapServers(),
                PlatformConfig.STORE_ROOT,
                store.root().toString(),
                "armory.exporter.threads",
                1,
                "armory.exporter.parity-tokens",
                4));
  }

  @AfterAll
  static void stop() throws Exception {
    if (exporter != null) {
      exporter.close();
    }
    if (log != null) {
      log.close();
    }
    if (producer != null) {
      producer.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  static void randomAdapter(Path model, Path out) throws Exception {
    try (HfModelDir m = HfModelDir.open(model)) {
      ModelArchitecture arch = ModelArchitecture.of(m.config());
      LoraAdapter a =
          LoraAdapter.initialise(
              arch,
              LoraConfig.defaults().withRank(4).withTargets(new TargetModules.AllLinear()),
              3);
      SplittableRandom random = new SplittableRandom(11);
      for (LoraAdapter.Module mod : a.modules()) {
        for (FloatBuffer b : List.of(mod.a(), mod.b())) {
          for (int i = 0; i < b.capacity(); i++) {
            b.put(i, (float) (random.nextGaussian() * 0.1));
          }
        }
      }
      a.save(out);
    }
  }

  static ArtifactRef ref(ArtifactKind kind, String id) {
    return store.ref(kind, id);
  }

  @Test
  void aCompletedRunIsExportedAndPublishedOnceEach() throws Exception {
    TrainingCompleted done =
        TrainingCompleted.newBuilder()
            .setRunId("run-1")
            .setAdapter(ref(ArtifactKind.ARTIFACT_KIND_ADAPTER, "run-1"))
            .setBaseModel(ref(ArtifactKind.ARTIFACT_KIND_MODEL, "tiny"))
            .setExport(
                ExportOptions.newBuilder()
                    .setEnabled(true)
                    .addPrecisions("fp32")
                    .addPrecisions("fp16")
                    .setMergedHf(true))
            .setPublish(PublishOptions.newBuilder().setEnabled(true).setAdapterName("capitals"))
            .build();
    producer.sendAndWait(Events.envelope("run-1", done));
    producer.sendAndWait(Events.envelope("run-1", done)); // redelivered

    await()
        .atMost(Duration.ofSeconds(120))
        .until(
            () ->
                !log.of(ModelExported.class, "run-1").isEmpty()
                    && !log.of(AdapterPublished.class, "run-1").isEmpty());
    ModelExported exported = log.of(ModelExported.class, "run-1").get(0);
    assertEquals("run-1", exported.getExportId());
    assertEquals("exports/run-1/manifest.json", exported.getManifestPath());
    assertEquals(
        List.of("fp32", "fp16", "merged-hf"),
        exported.getArtifactsList().stream().map(ExportedArtifact::getPrecision).toList());
    ExportedArtifact fp32 = exported.getArtifacts(0);
    assertTrue(fp32.getParityPassed());
    assertTrue(fp32.getMaxAbsLogitDiff() <= 1e-4, "fp32 parity " + fp32.getMaxAbsLogitDiff());
    assertEquals("exports/run-1/onnx-fp32", fp32.getModel().getUri());
    assertTrue(Files.isRegularFile(store.root().resolve(fp32.getParityReportPath())));
    assertTrue(Files.isRegularFile(store.resolve(fp32.getModel()).resolve("model.onnx")));
    assertTrue(exported.getArtifacts(1).getParityPassed());
    assertTrue(
        Files.isRegularFile(
            store.resolve(exported.getArtifacts(2).getModel()).resolve("config.json")));
    var manifest = store.manifest(ArtifactKind.ARTIFACT_KIND_EXPORT, "run-1").orElseThrow();
    assertEquals("nf4", manifest.hyperparameters().get("base_weights"));
    assertTrue(manifest.parents().stream().anyMatch(p -> p.role().equals("adapter")));

    AdapterPublished published = log.of(AdapterPublished.class, "run-1").get(0);
    assertEquals("capitals", published.getAdapterName());
    assertEquals(done.getAdapter(), published.getAdapter());
    assertEquals("adapters/run-1/manifest.json", published.getManifestPath());

    // The redelivery exports and publishes nothing more: once both groups are past it, one each.
    awaitConsumed("exporter", Topics.TRAINING_COMPLETED);
    awaitConsumed("publisher", Topics.TRAINING_COMPLETED);
    assertEquals(1, log.of(ModelExported.class, "run-1").size());
    assertEquals(1, log.of(AdapterPublished.class, "run-1").size());
  }

  @Test
  void anExportRequestExportsTheBaseAloneAndAnUnknownPrecisionIsDeadLettered() throws Exception {
    producer.sendAndWait(
        Events.envelope(
            "base-int4",
            ExportRequested.newBuilder()
                .setExportId("base-int4")
                .setBaseModel(ref(ArtifactKind.ARTIFACT_KIND_MODEL, "tiny"))
                .addPrecisions("int4")
                .setParityPrompt("The capital of France is")
                .build()));
    producer.sendAndWait(
        Events.envelope(
            "bad-precision",
            ExportRequested.newBuilder()
                .setBaseModel(ref(ArtifactKind.ARTIFACT_KIND_MODEL, "tiny"))
                .addPrecisions("fp64")
                .build()));
    await()
        .atMost(Duration.ofSeconds(120))
        .until(
            () ->
                !log.of(ModelExported.class, "base-int4").isEmpty()
                    && log.records(Topics.DEAD_LETTER).stream()
                        .anyMatch(r -> "bad-precision".equals(r.key())));
    ModelExported base = log.of(ModelExported.class, "base-int4").get(0);
    assertEquals(1, base.getArtifactsCount());
    assertEquals("int4", base.getArtifacts(0).getPrecision());
    assertTrue(base.getArtifacts(0).getParityPassed(), base.toString());
    assertFalse(
        store
            .manifest(ArtifactKind.ARTIFACT_KIND_EXPORT, "base-int4")
            .orElseThrow()
            .parents()
            .stream()
            .anyMatch(p -> p.role().equals("adapter")));
    var dead =
        log.records(Topics.DEAD_LETTER).stream()
            .filter(r -> "bad-precision".equals(r.key()))
            .findFirst()
            .orElseThrow();
    String reason =
        new String(
            dead.headers().lastHeader(EventHeaders.DLQ_REASON).value(), StandardCharsets.UTF_8);
    assertTrue(reason.contains("fp64"), reason);
    assertFalse(store.exists(ArtifactKind.ARTIFACT_KIND_EXPORT, "bad-precision"));
  }

  static void awaitConsumed(String group, String topic) {
    java.util.Properties p = new java.util.Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    try (org.apache.kafka.clients.admin.Admin admin =
        org.apache.kafka.clients.admin.Admin.create(p)) {
      var tp = new org.apache.kafka.common.TopicPartition(topic, 0);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                long end =
                    admin
                        .listOffsets(Map.of(tp, org.apache.kafka.clients.admin.OffsetSpec.latest()))
                        .all()
                        .get()
                        .get(tp)
                        .offset();
                var committed =
                    admin
                        .listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata()
                        .get()
                        .get(tp);
                return committed != null && committed.offset() >= end;
              });
    }
  }
}
