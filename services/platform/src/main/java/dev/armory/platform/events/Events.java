package dev.armory.platform.events;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import dev.armory.events.v1.Envelope;
import java.time.Instant;
import java.util.UUID;

/** Builds envelopes around payloads and takes payloads out of them. */
public final class Events {

  /** Schema version of armory.events.v1 payloads. */
  public static final int SCHEMA_VERSION = 1;

  private Events() {}

  /** A new envelope with a fresh event id and trace id. */
  public static Envelope envelope(String subjectId, Message payload) {
    return envelope(subjectId, payload, null);
  }

  /** A new envelope continuing a trace (a fresh trace id when traceId is null or empty). */
  public static Envelope envelope(String subjectId, Message payload, String traceId) {
    if (subjectId == null || subjectId.isEmpty()) {
      throw new IllegalArgumentException(
          "an event needs a subject id (the run or dataset id it is keyed by)");
    }
    String eventId = UUID.randomUUID().toString();
    Envelope.Builder b =
        Envelope.newBuilder()
            .setEventId(eventId)
            .setType(typeName(payload))
            .setSchemaVersion(SCHEMA_VERSION)
            .setCreatedAt(timestamp(Instant.now()))
            .setTraceId(traceId == null || traceId.isEmpty() ? eventId : traceId)
            .setSubjectId(subjectId);
    b.setField(payloadField(payload.getDescriptorForType()), payload);
    return b.build();
  }

  /** An envelope for an event caused by another: same trace id. */
  public static Envelope causedBy(Envelope cause, String subjectId, Message payload) {
    return envelope(subjectId, payload, cause.getTraceId());
  }

  /** The payload message, or null when none is set. */
  public static Message payload(Envelope envelope) {
    if (envelope.getPayloadCase() == Envelope.PayloadCase.PAYLOAD_NOT_SET) {
      return null;
    }
    FieldDescriptor fd =
        Envelope.getDescriptor().findFieldByNumber(envelope.getPayloadCase().getNumber());
    return (Message) envelope.getField(fd);
  }

  /** The payload as the given type; throws naming both types when it is another. */
  public static <T extends Message> T payload(Envelope envelope, Class<T> type) {
    Message m = payload(envelope);
    if (!type.isInstance(m)) {
      throw new IllegalArgumentException(
          "event "
              + envelope.getEventId()
              + " carries "
              + (m == null ? "no payload" : typeName(m))
              + ", expected "
              + type.getSimpleName());
    }
    return type.cast(m);
  }

  /** Full protobuf name of a payload, the envelope's {@code type}. */
  public static String typeName(Message payload) {
    return payload.getDescriptorForType().getFullName();
  }

  static FieldDescriptor payloadField(Descriptor payloadType) {
    for (FieldDescriptor fd : Envelope.getDescriptor().getOneofs().get(0).getFields()) {
      if (fd.getMessageType().equals(payloadType)) {
        return fd;
      }
    }
    throw new IllegalArgumentException(
        payloadType.getFullName()
            + " is not an event payload: add it to Envelope.payload in envelope.proto");
  }

  static Timestamp timestamp(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }
}
