package dev.armory.platform.events;

import com.google.protobuf.Message;
import dev.armory.events.v1.Envelope;
import dev.armory.platform.store.ProcessedKeys;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;

/** A decoded, validated event handed to an {@link EventHandler}, with its record's coordinates. */
public final class ConsumedEvent {

  private final Envelope envelope;
  private final ConsumerRecord<String, byte[]> record;
  private final String scope;
  private final ProcessedKeys processedKeys;

  ConsumedEvent(
      Envelope envelope,
      ConsumerRecord<String, byte[]> record,
      String scope,
      ProcessedKeys processedKeys) {
    this.envelope = envelope;
    this.record = record;
    this.scope = scope;
    this.processedKeys = processedKeys;
  }

  public Envelope envelope() {
    return envelope;
  }

  /** The payload as the expected type (an unexpected type is an invalid event). */
  public <T extends Message> T payload(Class<T> type) throws InvalidEventException {
    Message m = Events.payload(envelope);
    if (!type.isInstance(m)) {
      throw InvalidEventException.invalid(
          "event "
              + envelope.getEventId()
              + " on "
              + record.topic()
              + " carries "
              + envelope.getType()
              + ", this consumer expects "
              + type.getSimpleName());
    }
    return type.cast(m);
  }

  public String topic() {
    return record.topic();
  }

  public int partition() {
    return record.partition();
  }

  public long offset() {
    return record.offset();
  }

  /** The record key (run id or dataset id). */
  public String key() {
    return record.key();
  }

  public Headers headers() {
    return record.headers();
  }

  /** How the value was encoded on the wire: application/x-protobuf or application/json. */
  public String contentType() {
    String ct = EventHeaders.get(record.headers(), EventHeaders.CONTENT_TYPE);
    return ct == null ? EventHeaders.PROTOBUF : ct;
  }

  /**
   * Runs an effect once per idempotency key (scope: this consumer group), durably recorded in the
   * artifact store; a redelivery of a done key gets the first run's result back without running.
   */
  public ProcessedKeys.Outcome once(String idempotencyKey, ProcessedKeys.Effect effect)
      throws Exception {
    return keys().runOnce(scope, idempotencyKey, envelope.getEventId(), effect);
  }

  /** The idempotency record of a key in this consumer group's scope, if any. */
  public Optional<ProcessedKeys.KeyRecord> processed(String idempotencyKey) {
    return keys().find(scope, idempotencyKey);
  }

  /** Claims a key before a long effect (see {@link ProcessedKeys#claim}). */
  public boolean claim(String idempotencyKey) {
    return keys().claim(scope, idempotencyKey, envelope.getEventId());
  }

  /** Scope of idempotency records for this consumer (its group id). */
  public String scope() {
    return scope;
  }

  /** The idempotency records (configured on the consumer loop). */
  public ProcessedKeys keys() {
    if (processedKeys == null) {
      throw new IllegalStateException(
          "this consumer loop has no artifact store: pass one with"
              + " EventConsumerLoop.Builder.processedKeys(store.processedKeys())");
    }
    return processedKeys;
  }
}
