package dev.armory.platform.events;

import dev.armory.events.v1.Envelope;
import dev.armory.platform.PlatformConfig;
import dev.armory.platform.store.ProcessedKeys;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes events on its own thread and hands each to a handler, one at a time per partition, in
 * order. The offset of a record is committed only after the handler returned (its effect is
 * durable) or after the record was written to the dead-letter topic; a handler that throws gets the
 * same record again after a backoff, up to {@code maxAttempts} times.
 *
 * <p>Handlers that run longer than a few minutes (Kafka's max.poll.interval.ms) should record their
 * intent durably (e.g. {@link ConsumedEvent#claim}) and do the work elsewhere.
 */
public final class EventConsumerLoop implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EventConsumerLoop.class);

  private final Consumer<String, byte[]> consumer;
  private final List<String> topics;
  private final String groupId;
  private final EventHandler handler;
  private final EventProducer deadLetters;
  private final boolean ownsDeadLetters;
  private final ProcessedKeys processedKeys;
  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Duration pollTimeout;
  private final Duration shutdownGrace;
  private final Map<TopicPartition, Long> failedOffset = new HashMap<>();
  private final Map<TopicPartition, Integer> failedAttempts = new HashMap<>();
  private final Set<TopicPartition> assigned = ConcurrentHashMap.newKeySet();
  private final CountDownLatch stop = new CountDownLatch(1);
  private volatile boolean running = true;
  private volatile Thread thread;

  private EventConsumerLoop(Builder b) {
    this.topics = List.copyOf(b.topics);
    this.groupId = b.groupId;
    this.handler = Objects.requireNonNull(b.handler, "handler");
    this.processedKeys = b.processedKeys;
    this.maxAttempts = b.maxAttempts;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.pollTimeout = b.pollTimeout;
    this.shutdownGrace = b.shutdownGrace;
    this.ownsDeadLetters = b.deadLetters == null;
    this.deadLetters = ownsDeadLetters ? new EventProducer(b.config) : b.deadLetters;
    this.consumer = new KafkaConsumer<>(b.config.consumerProperties(b.groupId));
  }

  /** A loop for a consumer group of a service. */
  public static Builder builder(PlatformConfig config, String groupId) {
    return new Builder(config, groupId);
  }

  /** Starts the loop on a daemon thread named after the group. */
  public EventConsumerLoop start() {
    Thread t = new Thread(this::run, "armory-consumer-" + groupId);
    t.setDaemon(true);
    thread = t;
    t.start();
    return this;
  }

  /** Partitions currently assigned to this consumer. */
  public Set<TopicPartition> assignment() {
    return Set.copyOf(assigned);
  }

  /** The consumer group id (also the scope of idempotency records). */
  public String groupId() {
    return groupId;
  }

  private void run() {
    try {
      consumer.subscribe(
          topics,
          new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
              assigned.removeAll(partitions);
              partitions.forEach(failedOffset::remove);
              partitions.forEach(failedAttempts::remove);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
              assigned.addAll(partitions);
            }
          });
      while (running) {
        ConsumerRecords<String, byte[]> records;
        try {
          records = consumer.poll(pollTimeout);
        } catch (WakeupException e) {
          continue;
        }
        for (TopicPartition tp : records.partitions()) {
          for (ConsumerRecord<String, byte[]> r : records.records(tp)) {
            if (!running) {
              break;
            }
            if (!process(r)) {
              // Redeliver this record next: rewind the partition and skip the rest of the batch.
              consumer.seek(tp, r.offset());
              break;
            }
            commit(tp, r.offset() + 1);
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      LOG.error("consumer loop {} stopped on an unexpected error", groupId, e);
    } finally {
      try {
        consumer.close(Duration.ofSeconds(5));
      } catch (RuntimeException e) {
        LOG.warn("closing consumer {}: {}", groupId, e.toString());
      }
    }
  }

  /** Returns true when the record is finished with (handled or dead-lettered). */
  private boolean process(ConsumerRecord<String, byte[]> r) {
    Envelope envelope;
    try {
      envelope = EventCodec.decode(r);
    } catch (InvalidEventException e) {
      return deadLetter(r, e.kind().name(), e.getMessage(), e);
    }
    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
    try {
      handler.handle(new ConsumedEvent(envelope, r, groupId, processedKeys));
      clearFailures(tp);
      return true;
    } catch (InvalidEventException e) {
      clearFailures(tp);
      return deadLetter(r, e.kind().name(), e.getMessage(), e);
    } catch (Exception e) {
      if (!running) {
        LOG.info(
            "{}: handler for {} stopped by shutdown; it will be redelivered", groupId, where(r));
        return false;
      }
      int attempt = recordFailure(tp, r.offset());
      if (maxAttempts > 0 && attempt >= maxAttempts) {
        LOG.error(
            "{}: handler failed {} times on {}; dead-lettering", groupId, attempt, where(r), e);
        clearFailures(tp);
        return deadLetter(r, "HANDLER", "handler failed " + attempt + " times: " + describe(e), e);
      }
      Duration backoff = backoff(attempt);
      LOG.warn(
          "{}: handler failed on {} (attempt {}), retrying in {} ms: {}",
          groupId,
          where(r),
          attempt,
          backoff.toMillis(),
          describe(e));
      pause(backoff);
      return false;
    }
  }

  private boolean deadLetter(
      ConsumerRecord<String, byte[]> r, String kind, String reason, Throwable error) {
    try {
      deadLetters.sendDeadLetter(r, kind, reason, error, groupId).get(30, TimeUnit.SECONDS);
      LOG.warn("{}: {} sent to {} ({}): {}", groupId, where(r), Topics.DEAD_LETTER, kind, reason);
      return true;
    } catch (Exception e) {
      LOG.error("{}: could not dead-letter {}; will retry: {}", groupId, where(r), describe(e));
      pause(backoff(1));
      return false;
    }
  }

  private void commit(TopicPartition tp, long nextOffset) {
    try {
      consumer.commitSync(Map.of(tp, new OffsetAndMetadata(nextOffset)));
    } catch (CommitFailedException | WakeupException e) {
      // The partition moved to another consumer (or we are closing): it redelivers from the last
      // commit, and effects are idempotent by key.
      LOG.warn("{}: commit of {}@{} failed: {}", groupId, tp, nextOffset, e.toString());
      if (e instanceof WakeupException && running) {
        commit(tp, nextOffset);
      }
    }
  }

  private int recordFailure(TopicPartition tp, long offset) {
    Long previous = failedOffset.put(tp, offset);
    int n = previous != null && previous == offset ? failedAttempts.getOrDefault(tp, 0) + 1 : 1;
    failedAttempts.put(tp, n);
    return n;
  }

  private void clearFailures(TopicPartition tp) {
    failedOffset.remove(tp);
    failedAttempts.remove(tp);
  }

  private Duration backoff(int attempt) {
    long ms = initialBackoff.toMillis() << Math.min(attempt - 1, 20);
    return Duration.ofMillis(Math.min(ms, maxBackoff.toMillis()));
  }

  private void pause(Duration d) {
    try {
      stop.await(d.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String where(ConsumerRecord<String, byte[]> r) {
    return r.topic() + "-" + r.partition() + "@" + r.offset() + " (key " + r.key() + ")";
  }

  private static String describe(Throwable e) {
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  /**
   * Stops polling, lets the current handler finish (interrupting it after the shutdown grace,
   * default 10 s), and closes the consumer; records not yet committed are redelivered to the group.
   */
  @Override
  public void close() {
    running = false;
    stop.countDown();
    consumer.wakeup();
    Thread t = thread;
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(Math.max(1, shutdownGrace.toMillis()));
        if (t.isAlive()) {
          t.interrupt();
          t.join(10_000);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (ownsDeadLetters) {
      deadLetters.close();
    }
  }

  /** Settings of a consumer loop. */
  public static final class Builder {
    private final PlatformConfig config;
    private final String groupId;
    private List<String> topics = List.of();
    private EventHandler handler;
    private EventProducer deadLetters;
    private ProcessedKeys processedKeys;
    private int maxAttempts = 10;
    private Duration initialBackoff = Duration.ofMillis(200);
    private Duration maxBackoff = Duration.ofSeconds(10);
    private Duration pollTimeout = Duration.ofMillis(500);
    private Duration shutdownGrace = Duration.ofSeconds(10);

    private Builder(PlatformConfig config, String groupId) {
      this.config = Objects.requireNonNull(config, "config");
      if (groupId == null || groupId.isBlank()) {
        throw new IllegalArgumentException("a consumer loop needs a group id, e.g. 'trainer'");
      }
      this.groupId = groupId;
    }

    /** Topics to consume (see {@link Topics}). */
    public Builder topics(String... topics) {
      this.topics = List.of(topics);
      return this;
    }

    public Builder handler(EventHandler handler) {
      this.handler = handler;
      return this;
    }

    /** Producer for dead letters (default: a new one from the config, closed with the loop). */
    public Builder deadLetters(EventProducer producer) {
      this.deadLetters = producer;
      return this;
    }

    /** Idempotency records for {@link ConsumedEvent#once} (usually store.processedKeys()). */
    public Builder processedKeys(ProcessedKeys keys) {
      this.processedKeys = keys;
      return this;
    }

    /** Handler attempts per record before it is dead-lettered; 0 retries forever. Default 10. */
    public Builder maxAttempts(int attempts) {
      if (attempts < 0) {
        throw new IllegalArgumentException(
            "maxAttempts must be >= 0 (0 = forever), got " + attempts);
      }
      this.maxAttempts = attempts;
      return this;
    }

    /** Backoff after a failed attempt: initial, doubling up to max. Default 200 ms .. 10 s. */
    public Builder backoff(Duration initial, Duration max) {
      this.initialBackoff = initial;
      this.maxBackoff = max;
      return this;
    }

    public Builder pollTimeout(Duration timeout) {
      this.pollTimeout = timeout;
      return this;
    }

    /** How long close() lets a running handler finish before interrupting it. Default 10 s. */
    public Builder shutdownGrace(Duration grace) {
      this.shutdownGrace = grace;
      return this;
    }

    /** Builds the loop (not started). */
    public EventConsumerLoop build() {
      if (topics.isEmpty()) {
        throw new IllegalArgumentException("consumer loop " + groupId + " has no topics");
      }
      return new EventConsumerLoop(this);
    }

    /** Builds and starts the loop. */
    public EventConsumerLoop start() {
      return build().start();
    }
  }
}
