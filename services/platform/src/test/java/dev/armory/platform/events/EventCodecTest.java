package dev.armory.platform.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.events.v1.ArtifactKind;
import dev.armory.events.v1.ArtifactRef;
import dev.armory.events.v1.DatasetIngested;
import dev.armory.events.v1.Envelope;
import dev.armory.events.v1.Objective;
import dev.armory.events.v1.TrainingRequested;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class EventCodecTest {

  private static TrainingRequested request() {
    return TrainingRequested.newBuilder()
        .setRunId("run-1")
        .setIdempotencyKey("k-1")
        .setObjective(Objective.OBJECTIVE_SFT)
        .setBaseModel(ArtifactRef.newBuilder().setKind(ArtifactKind.ARTIFACT_KIND_MODEL).setId("m"))
        .build();
  }

  private static ConsumerRecord<String, byte[]> record(
      String topic, String key, byte[] value, String contentType) {
    RecordHeaders headers = new RecordHeaders();
    if (contentType != null) {
      EventHeaders.put(headers, EventHeaders.CONTENT_TYPE, contentType);
    }
    return new ConsumerRecord<>(
        topic,
        0,
        7L,
        1_700_000_000_000L,
        TimestampType.CREATE_TIME,
        -1,
        -1,
        key,
        value,
        headers,
        java.util.Optional.empty());
  }

  @Test
  void envelopeCarriesTypeVersionIdsAndPayload() {
    Envelope e = Events.envelope("run-1", request());
    assertEquals("armory.events.v1.TrainingRequested", e.getType());
    assertEquals(Events.SCHEMA_VERSION, e.getSchemaVersion());
    assertEquals(Envelope.PayloadCase.TRAINING_REQUESTED, e.getPayloadCase());
    assertEquals(e.getEventId(), e.getTraceId());
    assertEquals("run-1", e.getSubjectId());
    assertTrue(e.hasCreatedAt());
    assertEquals(request(), Events.payload(e, TrainingRequested.class));
    assertEquals(Topics.TRAINING_REQUESTED, Topics.forEnvelope(e));

    Envelope next = Events.causedBy(e, "run-1", DatasetIngested.newBuilder().build());
    assertEquals(e.getTraceId(), next.getTraceId());
    assertFalse(next.getEventId().equals(e.getEventId()));
  }

  @Test
  void everyPayloadHasADistinctTopic() {
    long distinct = Topics.all().stream().distinct().count();
    assertEquals(Topics.all().size(), distinct);
    for (Envelope.PayloadCase c : Envelope.PayloadCase.values()) {
      if (c != Envelope.PayloadCase.PAYLOAD_NOT_SET) {
        String topic = Topics.forPayload(c);
        assertTrue(topic.matches("armory\\.[a-z]+\\.[a-z-]+"), topic);
        assertEquals(c, Topics.payloadOf(topic));
      }
    }
  }

  @Test
  void protobufAndJsonDecodeToTheSameEnvelope() throws Exception {
    Envelope e = Events.envelope("run-1", request());
    Envelope fromProto =
        EventCodec.decode(record(Topics.TRAINING_REQUESTED, "run-1", EventCodec.encode(e), null));
    Envelope fromJson =
        EventCodec.decode(
            record(
                Topics.TRAINING_REQUESTED,
                "run-1",
                EventCodec.toJson(e).getBytes(StandardCharsets.UTF_8),
                "application/json; charset=utf-8"));
    assertEquals(e, fromProto);
    assertEquals(e, fromJson);
  }

  @Test
  void minimalJsonIsCompletedFromTheRecord() throws Exception {
    String json = "{\"trainingRequested\":{\"runId\":\"run-9\",\"idempotencyKey\":\"k\"}}";
    ConsumerRecord<String, byte[]> r =
        record(
            Topics.TRAINING_REQUESTED,
            "run-9",
            json.getBytes(StandardCharsets.UTF_8),
            "application/json");
    Envelope a = EventCodec.decode(r);
    Envelope b = EventCodec.decode(r);
    assertEquals("armory.events.v1.TrainingRequested", a.getType());
    assertEquals("run-9", a.getSubjectId());
    assertEquals(1, a.getSchemaVersion());
    assertEquals(1_700_000_000L, a.getCreatedAt().getSeconds());
    assertFalse(a.getEventId().isEmpty());
    // A redelivery of the same record gets the same derived event id.
    assertEquals(a.getEventId(), b.getEventId());
  }

  @Test
  void unusableValuesSayWhatIsWrong() {
    InvalidEventException garbage =
        assertThrows(
            InvalidEventException.class,
            () ->
                EventCodec.decode(
                    record(Topics.TRAINING_REQUESTED, "k", new byte[] {(byte) 0xff, 1, 2}, null)));
    assertEquals(InvalidEventException.Kind.DECODE, garbage.kind());
    assertTrue(garbage.getMessage().contains("not a protobuf Envelope"), garbage.getMessage());

    InvalidEventException badJson =
        assertThrows(
            InvalidEventException.class,
            () ->
                EventCodec.decode(
                    record(
                        Topics.TRAINING_REQUESTED,
                        "k",
                        "{\"trainingRequested\":{\"runid\":1}}".getBytes(StandardCharsets.UTF_8),
                        "application/json")));
    assertEquals(InvalidEventException.Kind.DECODE, badJson.kind());

    InvalidEventException wrongTopic =
        assertThrows(
            InvalidEventException.class,
            () ->
                EventCodec.decode(
                    record(
                        Topics.DATASET_INGEST_REQUESTED,
                        "run-1",
                        EventCodec.encode(Events.envelope("run-1", request())),
                        null)));
    assertEquals(InvalidEventException.Kind.INVALID, wrongTopic.kind());
    assertTrue(
        wrongTopic.getMessage().contains(Topics.TRAINING_REQUESTED), wrongTopic.getMessage());

    InvalidEventException noPayload =
        assertThrows(
            InvalidEventException.class,
            () ->
                EventCodec.decode(
                    record(
                        Topics.TRAINING_REQUESTED,
                        "k",
                        "{\"eventId\":\"x\"}".getBytes(StandardCharsets.UTF_8),
                        "application/json")));
    assertTrue(noPayload.getMessage().contains("no payload"), noPayload.getMessage());

    InvalidEventException future =
        assertThrows(
            InvalidEventException.class,
            () ->
                EventCodec.decode(
                    record(
                        Topics.TRAINING_REQUESTED,
                        "k",
                        Events.envelope("k", request()).toBuilder()
                            .setSchemaVersion(2)
                            .build()
                            .toByteArray(),
                        null)));
    assertTrue(future.getMessage().contains("schema version 2"), future.getMessage());

    InvalidEventException xml =
        assertThrows(
            InvalidEventException.class,
            () -> EventCodec.decode(new byte[] {1}, "application/xml"));
    assertTrue(xml.getMessage().contains("unsupported content-type"), xml.getMessage());
  }
}
