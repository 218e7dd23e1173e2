package dev.armory.exporter;

import dev.armory.platform.PlatformConfig;
import dev.armory.platform.events.EventConsumerLoop;
import dev.armory.platform.events.Topics;
import io.micronaut.context.ApplicationContext;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exporter service in this JVM: a Micronaut context with the export service and two consumer
 * loops, exports ({@code armory.export.requested} and {@code armory.training.completed}) and
 * publication ({@code armory.training.completed} to {@code armory.adapter.published}), so a long
 * export never delays a publication. Used by {@code armory up}, by {@link #main} and by tests.
 */
public final class ExporterServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ExporterServer.class);

  private final ApplicationContext context;
  private final EventConsumerLoop exports;
  private final EventConsumerLoop publisher;
  private final CountDownLatch closed = new CountDownLatch(1);

  private ExporterServer(
      ApplicationContext context, EventConsumerLoop exports, EventConsumerLoop publisher) {
    this.context = context;
    this.exports = exports;
    this.publisher = publisher;
  }

  /**
   * Starts the service with {@code properties} over environment variables ({@code
   * armory.kafka.bootstrap-servers}, {@code armory.store.root}, {@code armory.exporter.*}).
   */
  public static ExporterServer start(Map<String, Object> properties) {
    ApplicationContext context =
        ApplicationContext.builder()
            .properties(new HashMap<>(properties))
            .deduceEnvironment(false)
            .start();
    EventConsumerLoop exports = null;
    try {
      ExporterConfig config = context.getBean(ExporterConfig.class);
      ExporterPlatform platform = context.getBean(ExporterPlatform.class);
      ExportService service = context.getBean(ExportService.class);
      // An export can outlast Kafka's default poll interval (5 min) on real models.
      Map<String, String> kafka = new LinkedHashMap<>(platform.config().kafka());
      kafka.putIfAbsent(
          "max.poll.interval.ms", Long.toString(config.maxExportDuration().toMillis()));
      PlatformConfig exportConfig =
          new PlatformConfig(
              platform.config().bootstrapServers(),
              platform.config().storeRoot(),
              platform.config().serviceName(),
              kafka);
      exports =
          EventConsumerLoop.builder(exportConfig, config.groupId())
              .topics(Topics.EXPORT_REQUESTED, Topics.TRAINING_COMPLETED)
              .processedKeys(platform.store().processedKeys())
              .deadLetters(platform.producer())
              .handler(new ExportHandler(service, platform.producer()))
              .start();
      EventConsumerLoop publisher =
          EventConsumerLoop.builder(platform.config(), config.publisherGroupId())
              .topics(Topics.TRAINING_COMPLETED)
              .processedKeys(platform.store().processedKeys())
              .deadLetters(platform.producer())
              .handler(new AdapterPublisher(platform.store(), platform.producer()))
              .start();
      return new ExporterServer(context, exports, publisher);
    } catch (RuntimeException | Error e) {
      if (exports != null) {
        exports.close();
      }
      context.close();
      throw e;
    }
  }

  public ApplicationContext context() {
    return context;
  }

  public void awaitClosed() throws InterruptedException {
    closed.await();
  }

  /**
   * Stops consuming (an export under way is redelivered to the next exporter), then the context.
   */
  @Override
  public synchronized void close() {
    if (closed.getCount() == 0) {
      return;
    }
    try {
      publisher.close();
      exports.close();
    } finally {
      context.close();
      closed.countDown();
    }
  }

  /**
   * Runs the service alone, configured by environment variables (at least
   * ARMORY_KAFKA_BOOTSTRAP_SERVERS and ARMORY_STORE_ROOT); stops on SIGTERM or Ctrl-C.
   */
  public static void main(String[] args) throws InterruptedException {
    ExporterServer server = start(Map.of());
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "armory-exporter-shutdown"));
    LOG.info(
        "armory exporter: consuming {} and {}; publishing {} and {}",
        Topics.EXPORT_REQUESTED,
        Topics.TRAINING_COMPLETED,
        Topics.MODEL_EXPORTED,
        Topics.ADAPTER_PUBLISHED);
    server.awaitClosed();
  }
}
