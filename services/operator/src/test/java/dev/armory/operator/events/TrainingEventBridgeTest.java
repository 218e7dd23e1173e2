package dev.armory.operator.events;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.events.v1.AdapterConfig;
import dev.armory.events.v1.AdapterMethod;
import dev.armory.events.v1.ArtifactKind;
import dev.armory.events.v1.ArtifactRef;
import dev.armory.events.v1.ExportOptions;
import dev.armory.events.v1.Hyperparameters;
import dev.armory.events.v1.TrainingProgress;
import dev.armory.events.v1.TrainingRequested;
import dev.armory.operator.ArmoryOperator;
import dev.armory.operator.MockCluster;
import dev.armory.operator.OperatorConfig;
import dev.armory.operator.crd.TuningRun;
import dev.armory.operator.crd.TuningRunSpec;
import dev.armory.operator.crd.TuningRunStatus;
import dev.armory.operator.model.RunNames;
import dev.armory.operator.model.TrainingRequests;
import dev.armory.platform.PlatformConfig;
import dev.armory.platform.events.EventHeaders;
import dev.armory.platform.events.EventProducer;
import dev.armory.platform.events.Events;
import dev.armory.platform.events.Topics;
import dev.armory.platform.kafka.EmbeddedKafka;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's Kafka side on a real embedded KRaft broker and the mock API server: requests
 * become one TuningRun however often they arrive, trainer progress reaches the status, and a
 * request the TuningRun API cannot express is dead-lettered with the reason.
 */
class TrainingEventBridgeTest {

  private static final String NS = "armory";

  @TempDir static Path dir;
  private static EmbeddedKafka kafka;
  private static MockCluster cluster;
  private static KubernetesClient client;
  private static ArmoryOperator operator;
  private static EventProducer producer;

  @BeforeAll
  static void start() {
    kafka = EmbeddedKafka.start(dir.resolve("kafka"));
    kafka.createTopics(Topics.all(), 1);
    cluster = new MockCluster();
    client = cluster.client();
    OperatorConfig config =
        OperatorConfig.fromEnvironment(
            Map.of(
                "ARMORY_KAFKA_BOOTSTRAP_SERVERS",
                kafka.bootstrapServers(),
                "ARMORY_OPERATOR_NAMESPACES",
                NS,
                "ARMORY_OPERATOR_HEALTH_PORT",
                "0"));
    operator = ArmoryOperator.start(client, config, Clock.systemUTC());
    producer =
        new EventProducer(
            PlatformConfig.of(kafka.bootstrapServers(), dir.resolve("store"), "test"));
  }

  @AfterAll
  static void stop() {
    // Consumers and producers before the broker.
    if (producer != null) {
      producer.close();
    }
    if (operator != null) {
      operator.close();
    }
    if (cluster != null) {
      cluster.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void aRequestDeliveredTwiceBecomesOneTuningRunWithItsJobAndProgressReachesTheStatus() {
    String runId = "Support_Bot/2026-03-01";
    TrainingRequested request = request(runId).build();
    producer.sendAndWait(Events.envelope(runId, request));
    producer.sendAndWait(Events.envelope(runId, request));
    // One partition, in order: once the marker run exists, both copies were handled.
    producer.sendAndWait(Events.envelope("marker-1", request("marker-1").build()));
    TuningRun marker = awaitRun("marker-1");
    assertEquals("marker-1", marker.getMetadata().getName());

    List<TuningRun> runs =
        client
            .resources(TuningRun.class)
            .inNamespace(NS)
            .withLabel(RunNames.LABEL_RUN_ID, RunNames.runIdLabel(runId))
            .list()
            .getItems();
    assertEquals(1, runs.size(), "one TuningRun for a request delivered twice");
    TuningRun run = runs.get(0);
    assertEquals(RunNames.resourceName(runId), run.getMetadata().getName());
    TuningRunSpec spec = run.getSpec();
    assertEquals(runId, spec.runId());
    assertEquals("tiny-llama", spec.baseModel().id());
    assertEquals("file:/data/support.jsonl", spec.dataset().uri());
    assertEquals(TuningRunSpec.Method.LORA, spec.method());
    assertEquals(8, spec.adapter().r());
    assertEquals(1e-4, spec.hyperparameters().learningRate());
    assertEquals(null, spec.hyperparameters().epochs(), "0 in the event = default, left unset");
    assertEquals(TuningRunSpec.OnnxPrecision.INT4, spec.export().onnxPrecision());
    assertEquals("team-a", run.getMetadata().getLabels().get("team"));
    assertEquals(
        "key-" + runId,
        run.getMetadata().getAnnotations().get(TrainingRequests.ANNOTATION_IDEMPOTENCY_KEY));

    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                client
                        .batch()
                        .v1()
                        .jobs()
                        .inNamespace(NS)
                        .withLabel(RunNames.LABEL_RUN_ID, RunNames.runIdLabel(runId))
                        .list()
                        .getItems()
                        .size()
                    == 1);

    Instant sent = Instant.now();
    producer.sendAndWait(
        Events.envelope(
            runId,
            TrainingProgress.newBuilder()
                .setRunId(runId)
                .setStep(30)
                .setTotalSteps(120)
                .setLoss(1.75)
                .setEvalLoss(1.9)
                .setTokensPerSecond(3000)
                .setEtaSeconds(900)
                .build()));
    TuningRunStatus status =
        awaitStatus(run.getMetadata().getName(), s -> Long.valueOf(30).equals(s.step()));
    assertEquals(120L, status.totalSteps());
    assertEquals(25.0, status.progressPercent());
    assertEquals(1.75, status.loss());
    assertEquals(1.9, status.evalLoss());
    Instant eta = Instant.parse(status.estimatedCompletionTime());
    assertTrue(
        !eta.isBefore(sent.plusSeconds(899)) && eta.isBefore(sent.plusSeconds(960)),
        "ETA " + eta + " is the event time + 900 s (sent at " + sent + ")");
  }

  @Test
  void aRequestTheTuningRunApiCannotExpressIsDeadLetteredWithTheReason() {
    String runId = "dora-1";
    TrainingRequested request =
        request(runId)
            .setAdapter(AdapterConfig.newBuilder().setMethod(AdapterMethod.ADAPTER_METHOD_DORA))
            .build();
    producer.sendAndWait(Events.envelope(runId, request));

    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "dlq-reader");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<String> reasons = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> dlq =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      dlq.subscribe(List.of(Topics.DEAD_LETTER));
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> {
                for (ConsumerRecord<String, byte[]> r : dlq.poll(Duration.ofMillis(200))) {
                  if (runId.equals(r.key())) {
                    reasons.add(
                        new String(
                            r.headers().lastHeader(EventHeaders.DLQ_REASON).value(),
                            StandardCharsets.UTF_8));
                  }
                }
                return !reasons.isEmpty();
              });
    }
    assertTrue(
        reasons.get(0).contains("ADAPTER_METHOD_DORA has no TuningRun equivalent"),
        reasons.toString());
    assertEquals(null, client.resources(TuningRun.class).inNamespace(NS).withName(runId).get());
  }

  private static TrainingRequested.Builder request(String runId) {
    return TrainingRequested.newBuilder()
        .setRunId(runId)
        .setIdempotencyKey("key-" + runId)
        .setBaseModel(
            ArtifactRef.newBuilder().setKind(ArtifactKind.ARTIFACT_KIND_MODEL).setId("tiny-llama"))
        .setDataset(
            ArtifactRef.newBuilder()
                .setKind(ArtifactKind.ARTIFACT_KIND_DATASET)
                .setUri("file:/data/support.jsonl"))
        .setAdapter(AdapterConfig.newBuilder().setMethod(AdapterMethod.ADAPTER_METHOD_LORA).setR(8))
        .setHyperparameters(Hyperparameters.newBuilder().setLearningRate(1e-4))
        .setExport(ExportOptions.newBuilder().setEnabled(true).addPrecisions("int4"))
        .putLabels("team", "team-a")
        .setRequestedBy("support-app");
  }

  private static TuningRun awaitRun(String name) {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> client.resources(TuningRun.class).inNamespace(NS).withName(name).get() != null);
    return client.resources(TuningRun.class).inNamespace(NS).withName(name).get();
  }

  private static TuningRunStatus awaitStatus(
      String name, java.util.function.Predicate<TuningRunStatus> p) {
    TuningRunStatus[] last = new TuningRunStatus[1];
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              TuningRun r = client.resources(TuningRun.class).inNamespace(NS).withName(name).get();
              last[0] = r == null ? null : r.getStatus();
              return last[0] != null && p.test(last[0]);
            });
    return last[0];
  }
}
