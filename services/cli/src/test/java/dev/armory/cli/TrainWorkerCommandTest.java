package dev.armory.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.engine.data.DemoDatasets;
import dev.armory.engine.fixtures.TinyModelGenerator;
import dev.armory.engine.hf.ModelType;
import dev.armory.events.v1.AdapterConfig;
import dev.armory.events.v1.ArtifactKind;
import dev.armory.events.v1.ArtifactRef;
import dev.armory.events.v1.Envelope;
import dev.armory.events.v1.Hyperparameters;
import dev.armory.events.v1.TrainingRequested;
import dev.armory.platform.events.EventCodec;
import dev.armory.platform.events.Topics;
import dev.armory.platform.kafka.EmbeddedKafka;
import dev.armory.platform.store.ArtifactStore;
import dev.armory.trainer.RunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code armory train-worker}, as a Kubernetes pod runs it: request file in, events out. */
class TrainWorkerCommandTest {
  @TempDir Path dir;

  @Test
  void theWorkerRunsARequestFromAFileAndPublishesItsEvents() throws Exception {
    Path model = dir.resolve("tiny");
    TinyModelGenerator.generate(ModelType.LLAMA, model, 3);
    Path data = DemoDatasets.copy(DemoDatasets.INSTRUCTIONS, dir.resolve("data.jsonl"));
    TrainingRequested r =
        TrainingRequested.newBuilder()
            .setRunId("pod-run")
            .setBaseModel(ArtifactRef.newBuilder().setUri(model.toString()))
            .setDataset(ArtifactRef.newBuilder().setUri(data.toString()))
            .setAdapter(AdapterConfig.newBuilder().setR(4))
            .setHyperparameters(
                Hyperparameters.newBuilder().setMaxSteps(4).setMicroBatchSize(4).setMaxSeqLen(48))
            .build();
    Path requestFile = Files.writeString(dir.resolve("request.json"), RunStore.toJson(r));
    Path store = dir.resolve("store");

    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
      kafka.createTopics(Topics.all(), 1);
      CliRun run =
          CliRun.of(
              "train-worker",
              "--run-id",
              "pod-run",
              "--store",
              store.toString(),
              "--bootstrap-servers",
              kafka.bootstrapServers(),
              "--request",
              requestFile.toString(),
              "--threads",
              "1");
      assertEquals(0, run.exitCode(), run.err() + run.out());
      assertTrue(run.out().contains("run pod-run: completed (step 4"), run.out());
      ArtifactStore artifacts = ArtifactStore.open(store);
      assertTrue(artifacts.exists(ArtifactKind.ARTIFACT_KIND_ADAPTER, "pod-run"));
      assertTrue(Files.isRegularFile(store.resolve("runs/pod-run/request.json")));

      List<String> types = eventTypes(kafka.bootstrapServers(), 3);
      assertEquals("armory.events.v1.TrainingStarted", types.get(0), types.toString());
      assertEquals("armory.events.v1.TrainingCompleted", types.get(types.size() - 1));

      // a second start of a finished run does nothing and still exits 0
      CliRun again =
          CliRun.of(
              "train-worker",
              "--run-id",
              "pod-run",
              "--store",
              store.toString(),
              "--bootstrap-servers",
              kafka.bootstrapServers(),
              "--quiet");
      assertEquals(0, again.exitCode(), again.err());
      assertTrue(again.out().contains("already finished"), again.out());
    }
  }

  @Test
  void aRunWithoutARequestSaysWhereItLookedAndHowToGiveOne() {
    CliRun run =
        CliRun.of(
            "train-worker",
            "--run-id",
            "nothing-here",
            "--store",
            dir.resolve("store").toString(),
            "--bootstrap-servers",
            "127.0.0.1:1");
    assertEquals(1, run.exitCode());
    assertTrue(run.err().contains("runs/nothing-here/request.json"), run.err());
    assertTrue(run.err().contains("--request"), run.err());
  }

  /** Event types on the training topics, once at least {@code atLeast} arrived. */
  private static List<String> eventTypes(String bootstrap, int atLeast) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-reader");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<ConsumerRecord<String, byte[]>> seen = new CopyOnWriteArrayList<>();
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
      c.subscribe(
          List.of(Topics.TRAINING_STARTED, Topics.TRAINING_PROGRESSED, Topics.TRAINING_COMPLETED));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                c.poll(Duration.ofMillis(200)).forEach(seen::add);
                return seen.stream().anyMatch(r -> r.topic().equals(Topics.TRAINING_COMPLETED))
                    && seen.size() >= atLeast;
              });
    }
    // one partition per topic: order across topics by time
    return seen.stream()
        .sorted((a, b) -> Long.compare(a.timestamp(), b.timestamp()))
        .map(
            r -> {
              try {
                Envelope e = EventCodec.decode(r);
                return e.getType();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            })
        .toList();
  }
}
