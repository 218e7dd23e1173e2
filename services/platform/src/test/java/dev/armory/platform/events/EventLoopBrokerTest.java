package dev.armory.platform.events;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.events.v1.ArtifactKind;
import dev.armory.events.v1.ArtifactRef;
import dev.armory.events.v1.DatasetIngestRequested;
import dev.armory.events.v1.Envelope;
import dev.armory.events.v1.TrainingRequested;
import dev.armory.platform.PlatformConfig;
import dev.armory.platform.kafka.EmbeddedKafka;
import dev.armory.platform.store.ArtifactStore;
import dev.armory.platform.store.ProcessedKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Producer, consumer loop, dead letters and idempotency on one real embedded KRaft broker. */
class EventLoopBrokerTest {

  @TempDir static Path dir;
  static EmbeddedKafka kafka;
  static PlatformConfig config;
  static ArtifactStore store;
  static EventProducer producer;

  @BeforeAll
  static void startBroker() {
    kafka = EmbeddedKafka.start(dir.resolve("kafka"));
    kafka.createTopics(Topics.all(), 1);
    store = ArtifactStore.open(dir.resolve("store"));
    config = PlatformConfig.of(kafka.bootstrapServers(), store.root(), "test");
    producer = new EventProducer(config);
  }

  @AfterAll
  static void stopBroker() {
    if (producer != null) {
      producer.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static TrainingRequested request(String runId) {
    return TrainingRequested.newBuilder()
        .setRunId(runId)
        .setIdempotencyKey("key-" + runId)
        .setBaseModel(
            ArtifactRef.newBuilder().setKind(ArtifactKind.ARTIFACT_KIND_MODEL).setId("tiny"))
        .build();
  }

  private EventConsumerLoop.Builder loop(String group, EventHandler handler) {
    return EventConsumerLoop.builder(config, group)
        .topics(Topics.TRAINING_REQUESTED, Topics.DATASET_INGEST_REQUESTED)
        .handler(handler)
        .processedKeys(store.processedKeys())
        .backoff(Duration.ofMillis(50), Duration.ofMillis(200));
  }

  /** Collects events about one subject (other tests' events share the topics). */
  private static EventHandler collect(String subject, List<Envelope> into) {
    return e -> {
      if (e.envelope().getSubjectId().equals(subject)) {
        into.add(e.envelope());
      }
    };
  }

  /** Dead letters with a record key, written by one consumer group. */
  private static List<ConsumerRecord<String, byte[]>> deadLetters(
      String key, String group, int atLeast) {
    Properties p = config.consumerProperties(unique("dlq-reader"));
    List<ConsumerRecord<String, byte[]>> found = new CopyOnWriteArrayList<>();
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
      c.subscribe(List.of(Topics.DEAD_LETTER));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                  if (key.equals(r.key())
                      && group.equals(
                          EventHeaders.get(r.headers(), EventHeaders.DLQ_CONSUMER_GROUP))) {
                    found.add(r);
                  }
                }
                return found.size() >= atLeast;
              });
    }
    return found;
  }

  private static OffsetAndMetadata committed(String group, String topic) throws Exception {
    try (Admin admin = Admin.create(config.adminProperties())) {
      return admin
          .listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata()
          .get()
          .get(new TopicPartition(topic, 0));
    }
  }

  @Test
  void protobufEventRoundTripsThroughTheBroker() {
    String run = unique("run");
    Envelope sent = Events.envelope(run, request(run));
    List<Envelope> received = new CopyOnWriteArrayList<>();
    try (EventConsumerLoop l = loop(unique("g"), collect(run, received)).start()) {
      producer.sendAndWait(sent);
      await().atMost(Duration.ofSeconds(30)).until(() -> received.size() == 1);
    }
    assertEquals(sent.toBuilder().setProducer("test").build(), received.get(0));
  }

  @Test
  void jsonEventWithContentTypeHeaderIsAccepted() throws Exception {
    String run = unique("run");
    String json =
        "{\"subjectId\":\""
            + run
            + "\",\"traceId\":\"trace-json\",\"trainingRequested\":{\"runId\":\""
            + run
            + "\",\"idempotencyKey\":\"k-json\",\"baseModel\":{\"kind\":\"ARTIFACT_KIND_MODEL\","
            + "\"uri\":\"/models/tiny\"},\"hyperparameters\":{\"learningRate\":0.0002,"
            + "\"maxSteps\":20}}}";
    try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(config.producerProperties())) {
      ProducerRecord<String, byte[]> r =
          new ProducerRecord<>(
              Topics.TRAINING_REQUESTED, run, json.getBytes(StandardCharsets.UTF_8));
      r.headers()
          .add(EventHeaders.CONTENT_TYPE, "application/json".getBytes(StandardCharsets.UTF_8));
      raw.send(r).get();
    }
    List<Envelope> received = new CopyOnWriteArrayList<>();
    try (EventConsumerLoop l = loop(unique("g"), collect(run, received)).start()) {
      await().atMost(Duration.ofSeconds(30)).until(() -> received.size() == 1);
    }
    Envelope e = received.get(0);
    TrainingRequested t = Events.payload(e, TrainingRequested.class);
    assertEquals("trace-json", e.getTraceId());
    assertEquals("armory.events.v1.TrainingRequested", e.getType());
    assertEquals("/models/tiny", t.getBaseModel().getUri());
    assertEquals(20, t.getHyperparameters().getMaxSteps());
    assertEquals(0.0002, t.getHyperparameters().getLearningRate(), 0.0);
  }

  @Test
  void malformedAndInvalidEventsGoToTheDeadLetterTopicWithTheirReason() throws Exception {
    String key = unique("bad");
    String group = unique("g");
    List<Envelope> handled = new CopyOnWriteArrayList<>();
    try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(config.producerProperties())) {
      raw.send(new ProducerRecord<>(Topics.TRAINING_REQUESTED, key, new byte[] {9, 9, 9, 9})).get();
      ProducerRecord<String, byte[]> json =
          new ProducerRecord<>(
              Topics.TRAINING_REQUESTED, key, "{not json".getBytes(StandardCharsets.UTF_8));
      json.headers()
          .add(EventHeaders.CONTENT_TYPE, "application/json".getBytes(StandardCharsets.UTF_8));
      raw.send(json).get();
    }
    // Decodes fine but the handler refuses it.
    producer.sendAndWait(
        Events.envelope(key, DatasetIngestRequested.newBuilder().setDatasetId(key).build()));
    EventHandler handler =
        e -> {
          if (e.envelope().getSubjectId().equals(key)) {
            handled.add(e.envelope());
            throw InvalidEventException.invalid("dataset " + key + " has no source_uri");
          }
        };
    List<ConsumerRecord<String, byte[]>> dlq;
    try (EventConsumerLoop l = loop(group, handler).start()) {
      dlq = deadLetters(key, group, 3);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                OffsetAndMetadata o = committed(group, Topics.DATASET_INGEST_REQUESTED);
                return o != null && o.offset() > 0;
              });
    }
    assertEquals(1, handled.size());
    assertEquals(3, dlq.size());
    ConsumerRecord<String, byte[]> garbage = dlq.get(0);
    assertEquals("DECODE", EventHeaders.get(garbage.headers(), EventHeaders.DLQ_KIND));
    assertTrue(
        EventHeaders.get(garbage.headers(), EventHeaders.DLQ_REASON)
            .contains("not a protobuf Envelope"));
    assertEquals(
        Topics.TRAINING_REQUESTED,
        EventHeaders.get(garbage.headers(), EventHeaders.DLQ_SOURCE_TOPIC));
    assertEquals(group, EventHeaders.get(garbage.headers(), EventHeaders.DLQ_CONSUMER_GROUP));
    assertEquals(4, garbage.value().length, "the original bytes are kept");

    assertTrue(
        EventHeaders.get(dlq.get(1).headers(), EventHeaders.DLQ_REASON)
            .contains("not a proto3 JSON Envelope"));
    assertEquals(
        "application/json", EventHeaders.get(dlq.get(1).headers(), EventHeaders.CONTENT_TYPE));

    ConsumerRecord<String, byte[]> refused = dlq.get(2);
    assertEquals("INVALID", EventHeaders.get(refused.headers(), EventHeaders.DLQ_KIND));
    assertEquals(
        "dataset " + key + " has no source_uri",
        EventHeaders.get(refused.headers(), EventHeaders.DLQ_REASON));
  }

  @Test
  void aHandlerThatThrowsIsRedeliveredAndTheOffsetCommittedOnlyAfterSuccess() throws Exception {
    String run = unique("run");
    String group = unique("g");
    AtomicInteger attempts = new AtomicInteger();
    List<OffsetAndMetadata> committedDuringFailure = new CopyOnWriteArrayList<>();
    List<Long> handledOffsets = new CopyOnWriteArrayList<>();
    EventHandler flaky =
        e -> {
          if (!e.envelope().getSubjectId().equals(run)) {
            return;
          }
          if (attempts.incrementAndGet() < 3) {
            OffsetAndMetadata c = committed(group, e.topic());
            committedDuringFailure.add(c == null ? new OffsetAndMetadata(-1) : c);
            throw new IllegalStateException("disk full (simulated)");
          }
          handledOffsets.add(e.offset());
        };
    long offset = producer.sendAndWait(Events.envelope(run, request(run))).offset();
    try (EventConsumerLoop l = loop(group, flaky).start()) {
      await().atMost(Duration.ofSeconds(30)).until(() -> handledOffsets.size() == 1);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                OffsetAndMetadata c = committed(group, Topics.TRAINING_REQUESTED);
                return c != null && c.offset() == offset + 1;
              });
    }
    assertEquals(3, attempts.get());
    assertEquals(List.of(offset), handledOffsets);
    for (OffsetAndMetadata c : committedDuringFailure) {
      assertTrue(c.offset() <= offset, "offset " + offset + " was committed before the effect");
    }
  }

  @Test
  void aConsumerStoppedMidHandlerLeavesTheEventForTheNextConsumer() throws Exception {
    String run = unique("run");
    String group = unique("g");
    CountDownLatch entered = new CountDownLatch(1);
    List<String> interrupted = new CopyOnWriteArrayList<>();
    EventHandler stuck =
        e -> {
          if (e.envelope().getSubjectId().equals(run)) {
            entered.countDown();
            try {
              new CountDownLatch(1).await();
            } catch (InterruptedException ex) {
              interrupted.add(e.envelope().getEventId());
              throw ex;
            }
          }
        };
    Envelope sent = Events.envelope(run, request(run));
    long offset = producer.sendAndWait(sent).offset();
    EventConsumerLoop first = loop(group, stuck).shutdownGrace(Duration.ofMillis(200)).start();
    entered.await();
    first.close();
    assertEquals(List.of(sent.getEventId()), interrupted);
    OffsetAndMetadata c = committed(group, Topics.TRAINING_REQUESTED);
    assertTrue(c == null || c.offset() <= offset, "committed " + c + " past " + offset);

    List<Envelope> received = new CopyOnWriteArrayList<>();
    try (EventConsumerLoop second = loop(group, collect(run, received)).start()) {
      await().atMost(Duration.ofSeconds(30)).until(() -> received.size() == 1);
    }
    assertEquals(sent.getEventId(), received.get(0).getEventId());
  }

  @Test
  void effectsRunOncePerIdempotencyKeyAcrossRedeliveriesAndConsumers() throws Exception {
    String run = unique("run");
    AtomicInteger effects = new AtomicInteger();
    List<ProcessedKeys.Outcome> outcomes = new CopyOnWriteArrayList<>();
    EventHandler handler =
        e -> {
          if (!e.envelope().getSubjectId().equals(run)) {
            return;
          }
          TrainingRequested t = e.payload(TrainingRequested.class);
          outcomes.add(
              e.once(
                  t.getIdempotencyKey(),
                  () ->
                      Map.of(
                          "run", t.getRunId(), "n", Integer.toString(effects.incrementAndGet()))));
        };
    // The same request published twice (a producer retrying at the application level).
    producer.sendAndWait(Events.envelope(run, request(run)));
    producer.sendAndWait(Events.envelope(run, request(run)));
    String group = unique("trainer");
    try (EventConsumerLoop l = loop(group, handler).start()) {
      await().atMost(Duration.ofSeconds(30)).until(() -> outcomes.size() == 2);
    }
    // Offsets lost (rewound to the start): the replay is still deduplicated by the durable record.
    try (Admin admin = Admin.create(config.adminProperties())) {
      admin
          .alterConsumerGroupOffsets(
              group,
              Map.of(new TopicPartition(Topics.TRAINING_REQUESTED, 0), new OffsetAndMetadata(0)))
          .all()
          .get();
    }
    try (EventConsumerLoop replay = loop(group, handler).start()) {
      await().atMost(Duration.ofSeconds(30)).until(() -> outcomes.size() == 4);
    }
    assertEquals(1, effects.get());
    assertTrue(outcomes.get(0).ranNow());
    for (ProcessedKeys.Outcome o : outcomes.subList(1, 4)) {
      assertFalse(o.ranNow());
      assertEquals(Map.of("run", run, "n", "1"), o.result());
    }
    assertTrue(store.processedKeys().isDone(group, "key-" + run));
  }

  @Test
  void aHandlerFailingEveryAttemptEndsInTheDeadLetterTopic() {
    String run = unique("run");
    AtomicInteger attempts = new AtomicInteger();
    EventHandler broken =
        e -> {
          if (e.envelope().getSubjectId().equals(run)) {
            attempts.incrementAndGet();
            throw new IllegalStateException("model file truncated");
          }
        };
    producer.sendAndWait(Events.envelope(run, request(run)));
    List<ConsumerRecord<String, byte[]>> dlq;
    String group = unique("g");
    try (EventConsumerLoop l = loop(group, broken).maxAttempts(3).start()) {
      dlq = deadLetters(run, group, 1);
    }
    assertEquals(3, attempts.get());
    assertEquals("HANDLER", EventHeaders.get(dlq.get(0).headers(), EventHeaders.DLQ_KIND));
    assertEquals(
        "handler failed 3 times: IllegalStateException: model file truncated",
        EventHeaders.get(dlq.get(0).headers(), EventHeaders.DLQ_REASON));
  }
}
