package dev.armory.platform.events;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import dev.armory.events.v1.Envelope;
import dev.armory.events.v1.Envelope.PayloadCase;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.record.TimestampType;

/**
 * Encodes envelopes as protobuf and decodes record values as protobuf or, with header {@code
 * content-type: application/json}, as canonical proto3 JSON; then checks the envelope fits its
 * topic.
 */
public final class EventCodec {

  private static final JsonFormat.Printer JSON_PRINTER =
      JsonFormat.printer().omittingInsignificantWhitespace();
  private static final JsonFormat.Parser JSON_PARSER = JsonFormat.parser();

  private EventCodec() {}

  /** Binary protobuf, the normal record value. */
  public static byte[] encode(Envelope envelope) {
    return envelope.toByteArray();
  }

  /** Canonical proto3 JSON of an envelope or payload on one line (external producers, logs). */
  public static String toJson(MessageOrBuilder message) {
    try {
      return JSON_PRINTER.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("message cannot be printed as JSON", e);
    }
  }

  /** Decodes bytes in a content type (null means protobuf) without checking the envelope. */
  public static Envelope decode(byte[] value, String contentType) throws InvalidEventException {
    if (value == null || value.length == 0) {
      throw new InvalidEventException(
          InvalidEventException.Kind.DECODE, "empty record value: expected an Envelope");
    }
    String type = contentType == null ? "" : contentType.trim().toLowerCase(Locale.ROOT);
    if (type.isEmpty() || type.startsWith(EventHeaders.PROTOBUF)) {
      try {
        return Envelope.parseFrom(value);
      } catch (InvalidProtocolBufferException e) {
        throw new InvalidEventException(
            InvalidEventException.Kind.DECODE,
            "value is not a protobuf Envelope ("
                + e.getMessage()
                + "); JSON values need header content-type: application/json",
            e);
      }
    }
    if (type.startsWith(EventHeaders.JSON)) {
      Envelope.Builder b = Envelope.newBuilder();
      try {
        JSON_PARSER.merge(new String(value, StandardCharsets.UTF_8), b);
      } catch (InvalidProtocolBufferException | RuntimeException e) {
        throw new InvalidEventException(
            InvalidEventException.Kind.DECODE,
            "value is not a proto3 JSON Envelope: " + e.getMessage(),
            e);
      }
      return b.build();
    }
    throw new InvalidEventException(
        InvalidEventException.Kind.DECODE,
        "unsupported content-type '"
            + contentType
            + "': use "
            + EventHeaders.PROTOBUF
            + " (or no header) or "
            + EventHeaders.JSON);
  }

  /**
   * Decodes a consumed record and completes the envelope: an external producer may leave out event
   * id (derived from topic/partition/offset, so a redelivery keeps it), type, schema version, time
   * (record timestamp), subject id (record key) and trace id (the event id).
   */
  public static Envelope decode(ConsumerRecord<String, byte[]> record)
      throws InvalidEventException {
    Headers headers = record.headers();
    Envelope decoded = decode(record.value(), EventHeaders.get(headers, EventHeaders.CONTENT_TYPE));
    Envelope.Builder b = decoded.toBuilder();
    if (b.getEventId().isEmpty()) {
      String origin = record.topic() + "/" + record.partition() + "/" + record.offset();
      b.setEventId(UUID.nameUUIDFromBytes(origin.getBytes(StandardCharsets.UTF_8)).toString());
    }
    if (b.getSchemaVersion() == 0) {
      b.setSchemaVersion(Events.SCHEMA_VERSION);
    }
    if (!b.hasCreatedAt() && record.timestampType() != TimestampType.NO_TIMESTAMP_TYPE) {
      b.setCreatedAt(Events.timestamp(Instant.ofEpochMilli(record.timestamp())));
    }
    if (b.getSubjectId().isEmpty() && record.key() != null) {
      b.setSubjectId(record.key());
    }
    if (b.getTraceId().isEmpty()) {
      b.setTraceId(b.getEventId());
    }
    if (b.getPayloadCase() != PayloadCase.PAYLOAD_NOT_SET && b.getType().isEmpty()) {
      b.setType(Events.typeName(Events.payload(b.build())));
    }
    Envelope envelope = b.build();
    validate(envelope, record.topic());
    return envelope;
  }

  /** Checks what every consumer needs: a payload that fits the topic, a known version, a key. */
  public static void validate(Envelope e, String topic) throws InvalidEventException {
    if (e.getPayloadCase() == PayloadCase.PAYLOAD_NOT_SET) {
      throw InvalidEventException.invalid(
          "envelope " + e.getEventId() + " has no payload: set one of the Envelope.payload fields");
    }
    if (e.getSchemaVersion() > Events.SCHEMA_VERSION) {
      throw InvalidEventException.invalid(
          "schema version "
              + e.getSchemaVersion()
              + " is newer than this service understands ("
              + Events.SCHEMA_VERSION
              + "): upgrade the consumer");
    }
    String payloadType = Events.typeName(Events.payload(e));
    if (!e.getType().equals(payloadType)) {
      throw InvalidEventException.invalid(
          "envelope type '" + e.getType() + "' does not match its payload " + payloadType);
    }
    PayloadCase expected = topic == null ? PayloadCase.PAYLOAD_NOT_SET : Topics.payloadOf(topic);
    if (expected != PayloadCase.PAYLOAD_NOT_SET && expected != e.getPayloadCase()) {
      throw InvalidEventException.invalid(
          "topic "
              + topic
              + " carries "
              + expected
              + " events, got "
              + e.getPayloadCase()
              + ": publish it to "
              + Topics.forEnvelope(e));
    }
    if (e.getSubjectId().isEmpty()) {
      throw InvalidEventException.invalid(
          "event " + e.getEventId() + " has no subject id and no record key: set subject_id");
    }
  }
}
