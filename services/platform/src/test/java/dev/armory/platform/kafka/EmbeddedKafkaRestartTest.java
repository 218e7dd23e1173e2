package dev.armory.platform.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.events.v1.DatasetIngestRequested;
import dev.armory.events.v1.Envelope;
import dev.armory.platform.PlatformConfig;
import dev.armory.platform.events.EventCodec;
import dev.armory.platform.events.EventProducer;
import dev.armory.platform.events.Events;
import dev.armory.platform.events.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded broker keeps its data across a restart on the same folder (armory up twice). */
class EmbeddedKafkaRestartTest {

  @TempDir Path dir;

  @Test
  void eventsSurviveABrokerRestart() throws Exception {
    Envelope sent =
        Events.envelope("ds-1", DatasetIngestRequested.newBuilder().setDatasetId("ds-1").build());
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir)) {
      kafka.createTopics(Topics.all(), 1);
      PlatformConfig config = PlatformConfig.of(kafka.bootstrapServers(), dir, "test");
      try (EventProducer producer = new EventProducer(config)) {
        producer.sendAndWait(sent);
      }
    }
    assertTrue(Files.exists(dir.resolve("kraft/meta.properties")));
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0, Map.of())) {
      PlatformConfig config = PlatformConfig.of(kafka.bootstrapServers(), dir, "test");
      List<Envelope> read = new ArrayList<>();
      try (KafkaConsumer<String, byte[]> c =
          new KafkaConsumer<>(config.consumerProperties("restart-reader"))) {
        c.subscribe(List.of(Topics.DATASET_INGEST_REQUESTED));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (read.isEmpty() && System.nanoTime() < deadline) {
          for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
            read.add(EventCodec.decode(r));
          }
        }
      }
      assertEquals(1, read.size());
      assertEquals(sent.getEventId(), read.get(0).getEventId());
    }
  }
}
