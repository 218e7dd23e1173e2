package dev.armory.cli;

import dev.armory.events.v1.Envelope;
import dev.armory.platform.events.EventCodec;
import java.time.Duration;
import java.util.Collection;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows Armory's events about some subjects (run and dataset ids) from the start of the topics,
 * handing them to the caller's thread one at a time, in arrival order.
 */
final class EventWatch implements AutoCloseable {
  private final KafkaConsumer<String, byte[]> consumer;
  private final BlockingQueue<Envelope> queue = new LinkedBlockingQueue<>();
  private final Set<String> subjects;
  private final Thread thread;
  private volatile boolean running = true;

  EventWatch(String bootstrapServers, Collection<String> topics, Set<String> subjects) {
    this.subjects = Set.copyOf(subjects);
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "armory-cli-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    consumer = new KafkaConsumer<>(p);
    consumer.subscribe(topics);
    thread = new Thread(this::poll, "armory-cli-events");
    thread.setDaemon(true);
    thread.start();
  }

  private void poll() {
    try {
      while (running) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          if (r.key() != null && !subjects.contains(r.key())) {
            continue;
          }
          try {
            Envelope e = EventCodec.decode(r);
            if (subjects.contains(e.getSubjectId())) {
              queue.add(e);
            }
          } catch (Exception ignored) {
            // not ours to judge: the services dead-letter what they cannot read
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  /** The next event, or null when none arrived within {@code timeout}. */
  Envelope next(Duration timeout) throws InterruptedException {
    return queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    consumer.wakeup();
    thread.join(5_000);
  }
}
