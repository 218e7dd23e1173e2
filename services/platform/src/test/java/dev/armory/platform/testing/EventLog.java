package dev.armory.platform.testing;

import com.google.protobuf.Message;
import dev.armory.events.v1.Envelope;
import dev.armory.platform.events.EventCodec;
import dev.armory.platform.events.Events;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Records every event published on some topics, from the beginning, on its own thread. Shared with
 * other modules' tests through this module's test jar.
 */
public final class EventLog implements AutoCloseable {
  public final List<Envelope> events = new CopyOnWriteArrayList<>();
  public final List<ConsumerRecord<String, byte[]>> records = new CopyOnWriteArrayList<>();
  private final KafkaConsumer<String, byte[]> consumer;
  private final Thread thread;
  private volatile boolean running = true;

  public EventLog(String bootstrapServers, List<String> topics) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "event-log-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    consumer = new KafkaConsumer<>(p);
    consumer.subscribe(topics);
    thread = new Thread(this::poll, "event-log");
    thread.setDaemon(true);
    thread.start();
  }

  private void poll() {
    try {
      while (running) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          records.add(r);
          try {
            events.add(EventCodec.decode(r));
          } catch (Exception e) {
            // dead letters need not decode; they stay in records
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close();
    }
  }

  /** Payloads of one type about one subject (run id), in arrival order. */
  public <T extends Message> List<T> of(Class<T> type, String subject) {
    return events.stream()
        .filter(e -> e.getSubjectId().equals(subject))
        .map(Events::payload)
        .filter(type::isInstance)
        .map(type::cast)
        .toList();
  }

  /** Whether a payload of this type about this subject has arrived. */
  public <T extends Message> boolean has(Class<T> type, String subject) {
    return !of(type, subject).isEmpty();
  }

  /** The first payload of this type about this subject; throws when none has arrived. */
  public <T extends Message> T first(Class<T> type, String subject) {
    return of(type, subject).stream().findFirst().orElseThrow();
  }

  /** Raw records of one topic (dead letters included), in arrival order. */
  public List<ConsumerRecord<String, byte[]>> records(String topic) {
    return records.stream().filter(r -> r.topic().equals(topic)).toList();
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    consumer.wakeup();
    thread.join(10_000);
  }
}
