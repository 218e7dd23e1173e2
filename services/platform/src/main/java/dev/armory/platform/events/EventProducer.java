package dev.armory.platform.events;

import dev.armory.events.v1.Envelope;
import dev.armory.platform.PlatformConfig;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Publishes envelopes with an idempotent producer: topic from the payload, key = subject id,
 * protobuf value, headers naming content type, event type, event id and trace id. Thread-safe.
 */
public final class EventProducer implements AutoCloseable {

  private final Producer<String, byte[]> producer;
  private final String producerName;

  /** A producer for a service (the config's service name goes into each envelope's producer). */
  public EventProducer(PlatformConfig config) {
    this(config.producerProperties(), config.serviceName());
  }

  /** A producer from explicit Kafka properties (String keys, byte[] values, idempotence on). */
  public EventProducer(Properties properties, String producerName) {
    this(new KafkaProducer<>(properties), producerName);
  }

  /** Wraps an existing Kafka producer (tests, custom clients); closing closes it. */
  public EventProducer(Producer<String, byte[]> producer, String producerName) {
    this.producer = producer;
    this.producerName = producerName;
  }

  /** Sends an envelope to its payload's topic; the future completes once the broker acked it. */
  public CompletableFuture<RecordMetadata> send(Envelope envelope) {
    Envelope e =
        envelope.getProducer().isEmpty()
            ? envelope.toBuilder().setProducer(producerName).build()
            : envelope;
    try {
      EventCodec.validate(e, null);
    } catch (InvalidEventException ex) {
      return CompletableFuture.failedFuture(new IllegalArgumentException(ex.getMessage(), ex));
    }
    Headers headers = new RecordHeaders();
    EventHeaders.put(headers, EventHeaders.CONTENT_TYPE, EventHeaders.PROTOBUF);
    EventHeaders.put(headers, EventHeaders.EVENT_TYPE, e.getType());
    EventHeaders.put(headers, EventHeaders.EVENT_ID, e.getEventId());
    EventHeaders.put(headers, EventHeaders.TRACE_ID, e.getTraceId());
    ProducerRecord<String, byte[]> record =
        new ProducerRecord<>(
            Topics.forEnvelope(e), null, e.getSubjectId(), EventCodec.encode(e), headers);
    return send(record);
  }

  /** Sends and waits for the acknowledgement; failures name the topic and the event. */
  public RecordMetadata sendAndWait(Envelope envelope) {
    try {
      return send(envelope).get(60, TimeUnit.SECONDS);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while publishing " + envelope.getType(), ex);
    } catch (ExecutionException | TimeoutException ex) {
      Throwable cause = ex instanceof ExecutionException ? ex.getCause() : ex;
      throw new IllegalStateException(
          "could not publish "
              + envelope.getType()
              + " "
              + envelope.getEventId()
              + " to Kafka: "
              + cause.getMessage()
              + " (is the broker at the configured bootstrap servers up?)",
          cause);
    }
  }

  /**
   * Copies a consumed record to the dead-letter topic with its original key, value and headers,
   * adding the reason, kind and origin as headers.
   */
  public CompletableFuture<RecordMetadata> sendDeadLetter(
      ConsumerRecord<String, byte[]> source,
      String kind,
      String reason,
      Throwable error,
      String consumerGroup) {
    Headers headers = new RecordHeaders();
    for (Header h : source.headers()) {
      headers.add(h);
    }
    EventHeaders.put(headers, EventHeaders.DLQ_REASON, reason == null ? "unknown" : reason);
    EventHeaders.put(headers, EventHeaders.DLQ_KIND, kind);
    if (error != null) {
      EventHeaders.put(headers, EventHeaders.DLQ_EXCEPTION, error.getClass().getName());
    }
    EventHeaders.put(headers, EventHeaders.DLQ_SOURCE_TOPIC, source.topic());
    EventHeaders.put(
        headers, EventHeaders.DLQ_SOURCE_PARTITION, Integer.toString(source.partition()));
    EventHeaders.put(headers, EventHeaders.DLQ_SOURCE_OFFSET, Long.toString(source.offset()));
    if (consumerGroup != null) {
      headers.remove(EventHeaders.DLQ_CONSUMER_GROUP);
      headers.add(EventHeaders.DLQ_CONSUMER_GROUP, consumerGroup.getBytes(StandardCharsets.UTF_8));
    }
    return send(
        new ProducerRecord<>(Topics.DEAD_LETTER, null, source.key(), source.value(), headers));
  }

  private CompletableFuture<RecordMetadata> send(ProducerRecord<String, byte[]> record) {
    CompletableFuture<RecordMetadata> result = new CompletableFuture<>();
    producer.send(
        record,
        (metadata, error) -> {
          if (error != null) {
            result.completeExceptionally(error);
          } else {
            result.complete(metadata);
          }
        });
    return result;
  }

  /** Sends everything buffered. */
  public void flush() {
    producer.flush();
  }

  @Override
  public void close() {
    producer.close();
  }
}
