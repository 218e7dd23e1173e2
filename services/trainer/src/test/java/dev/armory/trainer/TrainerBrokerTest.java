package dev.armory.trainer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.events.v1.TrainingCompleted;
import dev.armory.events.v1.TrainingProgress;
import dev.armory.events.v1.TrainingRequested;
import dev.armory.events.v1.TrainingStarted;
import dev.armory.platform.PlatformConfig;
import dev.armory.platform.events.EventHeaders;
import dev.armory.platform.events.EventProducer;
import dev.armory.platform.events.Events;
import dev.armory.platform.events.Topics;
import dev.armory.platform.kafka.EmbeddedKafka;
import dev.armory.platform.store.ArtifactStore;
import dev.armory.platform.store.ProcessedKeys;
import dev.armory.platform.testing.EventLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer service on a real embedded KRaft broker: redelivered requests start one run, a
 * trainer restarted mid-run resumes it from its checkpoint, JSON requests are accepted, and
 * requests that cannot name a run go to the dead-letter topic.
 */
class TrainerBrokerTest {
  @TempDir static Path dir;
  static EmbeddedKafka kafka;
  static ArtifactStore store;
  static EventProducer producer;
  static EventLog log;

  @BeforeAll
  static void start() throws Exception {
    kafka = EmbeddedKafka.start(dir.resolve("kafka"));
    kafka.createTopics(Topics.all(), 1);
    store = TinyStore.create(dir.resolve("store"));
    producer = new EventProducer(PlatformConfig.of(kafka.bootstrapServers(), store.root(), "test"));
    log = new EventLog(kafka.bootstrapServers(), Topics.all());
  }

  @AfterAll
  static void stop() throws Exception {
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

  static TrainerServer trainer() {
    return TrainerServer.start(
        Map.of(
            PlatformConfig.BOOTSTRAP_SERVERS,
            kafka.bootstrapServers(),
            PlatformConfig.STORE_ROOT,
            store.root().toString(),
            "armory.trainer.progress-every-steps",
            1,
            "armory.trainer.dataset-wait",
            "5s",
            "armory.trainer.threads",
            1));
  }

  /** Waits until the trainer's consumer group has committed every TrainingRequested so far. */
  static void awaitRequestsConsumed() {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    try (Admin admin = Admin.create(p)) {
      TopicPartition tp = new TopicPartition(Topics.TRAINING_REQUESTED, 0);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                long end =
                    admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get().get(tp).offset();
                OffsetAndMetadata committed =
                    admin
                        .listConsumerGroupOffsets("trainer")
                        .partitionsToOffsetAndMetadata()
                        .get()
                        .get(tp);
                return committed != null && committed.offset() >= end;
              });
    }
  }

  @Test
  void theSameRequestPublishedTwiceStartsOneRun() throws Exception {
    try (TrainerServer trainer = trainer()) {
      TrainingRequested r = TinyStore.request("twice", 6);
      producer.sendAndWait(Events.envelope("twice", r));
      producer.sendAndWait(Events.envelope("twice", r));
      await()
          .atMost(Duration.ofSeconds(120))
          .until(() -> !log.of(TrainingCompleted.class, "twice").isEmpty());
      awaitRequestsConsumed();

      LocalJobLauncher launcher = trainer.context().getBean(LocalJobLauncher.class);
      assertEquals(1, launcher.launchCount("twice"));
      await().atMost(Duration.ofSeconds(10)).until(() -> !launcher.isActive("twice"));
      assertEquals(1, log.of(TrainingStarted.class, "twice").size());
      assertEquals(1, log.of(TrainingCompleted.class, "twice").size());
      assertEquals(1, trainer.service().runs().state("twice").orElseThrow().attempts());
      assertEquals(
          ProcessedKeys.State.DONE,
          store.processedKeys().find("trainer", "key-twice").orElseThrow().state());
    }
  }

  @Test
  void aTrainerRestartedMidRunResumesTheRunFromItsCheckpoint() throws Exception {
    TrainingRequested r = TinyStore.request("restart", 80);
    int stoppedAt;
    try (TrainerServer first = trainer()) {
      producer.sendAndWait(Events.envelope("restart", r));
      await()
          .atMost(Duration.ofSeconds(120))
          .until(
              () ->
                  log.of(TrainingProgress.class, "restart").stream()
                      .anyMatch(p -> p.getStep() >= 3));
    } // closing asks the run to stop after its step, with a checkpoint
    RunState state = new RunStore(store).state("restart").orElseThrow();
    assertEquals(RunState.Status.RUNNING, state.status());
    stoppedAt = state.lastStep();
    assertTrue(stoppedAt >= 3 && stoppedAt < 80, "stopped mid-run at " + stoppedAt);
    assertTrue(
        Files.isDirectory(
            new RunStore(store)
                .trainDir("restart")
                .resolve("checkpoints/step-" + String.format("%06d", stoppedAt))),
        "checkpoint of step " + stoppedAt);

    // the request is redelivered while the trainer is down, then the trainer comes back
    producer.sendAndWait(Events.envelope("restart", r));
    try (TrainerServer second = trainer()) {
      assertEquals(1, second.resumedRuns());
      await()
          .atMost(Duration.ofSeconds(180))
          .until(() -> !log.of(TrainingCompleted.class, "restart").isEmpty());
      awaitRequestsConsumed();
      LocalJobLauncher launcher = second.context().getBean(LocalJobLauncher.class);
      await().atMost(Duration.ofSeconds(10)).until(() -> !launcher.isActive("restart"));
      assertEquals(1, launcher.launchCount("restart"), "the redelivery launched nothing");

      List<TrainingStarted> started = log.of(TrainingStarted.class, "restart");
      assertEquals(2, started.size());
      assertEquals(0, started.get(0).getResumedFromStep());
      assertEquals(stoppedAt, started.get(1).getResumedFromStep());
      assertEquals(1, log.of(TrainingCompleted.class, "restart").size());
      RunState done = second.service().runs().state("restart").orElseThrow();
      assertEquals(RunState.Status.COMPLETED, done.status());
      assertEquals(2, done.attempts());
      assertEquals(80, done.lastStep());
    }
  }

  @Test
  void aJsonRequestWithItsContentTypeIsAcceptedAndAnIncompleteOneIsDeadLettered() throws Exception {
    // What a standard Kafka client sends: an envelope in proto3 JSON holding only the payload
    // (event id, type, times and subject are filled in from the record), keyed by run id.
    String json =
        "{\"trainingRequested\": " + RunStore.toJson(TinyStore.request("from-json", 3)) + "}";
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    try (TrainerServer trainer = trainer();
        KafkaProducer<String, byte[]> raw = new KafkaProducer<>(p)) {
      ProducerRecord<String, byte[]> rec =
          new ProducerRecord<>(
              Topics.TRAINING_REQUESTED, "from-json", json.getBytes(StandardCharsets.UTF_8));
      rec.headers()
          .add(EventHeaders.CONTENT_TYPE, EventHeaders.JSON.getBytes(StandardCharsets.UTF_8));
      raw.send(rec).get();
      TrainingRequested noDataset =
          TinyStore.request("no-data", 3).toBuilder().clearDataset().build();
      producer.sendAndWait(Events.envelope("no-data", noDataset));

      await()
          .atMost(Duration.ofSeconds(120))
          .until(() -> !log.of(TrainingCompleted.class, "from-json").isEmpty());
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> !log.records(Topics.DEAD_LETTER).isEmpty());
      var dead = log.records(Topics.DEAD_LETTER).get(0);
      assertEquals("no-data", dead.key());
      String reason =
          new String(
              dead.headers().lastHeader(EventHeaders.DLQ_REASON).value(), StandardCharsets.UTF_8);
      assertTrue(reason.contains("has no dataset"), reason);
      assertTrue(new RunStore(store).state("no-data").isEmpty(), "no run for a dead letter");
    }
  }
}
