package dev.armory.ingestion;

import dev.armory.events.v1.DatasetIngestRequested;
import dev.armory.platform.PlatformConfig;
import dev.armory.platform.events.EventConsumerLoop;
import dev.armory.platform.events.Topics;
import dev.armory.platform.store.ArtifactStore;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The ingestion service in this JVM: a Micronaut context with the HTTP upload endpoint and a
 * consumer loop on {@code armory.dataset.ingest-requested}. Used by {@code armory up}, by {@link
 * #main} when the service runs alone, and by tests.
 */
public final class IngestionServer implements AutoCloseable {

  private final ApplicationContext context;
  private final EmbeddedServer http;
  private final EventConsumerLoop loop;
  private final CountDownLatch closed = new CountDownLatch(1);

  private IngestionServer(ApplicationContext context, EmbeddedServer http, EventConsumerLoop loop) {
    this.context = context;
    this.http = http;
    this.loop = loop;
  }

  /**
   * Starts the service with {@code properties} over application.yml and environment variables (e.g.
   * {@code armory.kafka.bootstrap-servers}, {@code armory.store.root}, {@code
   * micronaut.server.port}; port -1 picks a free one).
   */
  public static IngestionServer start(Map<String, Object> properties) {
    ApplicationContext context =
        ApplicationContext.builder().properties(properties).deduceEnvironment(false).start();
    EventConsumerLoop loop = null;
    try {
      IngestionConfig config = context.getBean(IngestionConfig.class);
      if (config.consumeEvents()) {
        loop =
            EventConsumerLoop.builder(context.getBean(PlatformConfig.class), config.groupId())
                .topics(Topics.DATASET_INGEST_REQUESTED)
                .processedKeys(context.getBean(ArtifactStore.class).processedKeys())
                .handler(context.getBean(IngestRequestHandler.class))
                .start();
      }
      EmbeddedServer http = context.getBean(EmbeddedServer.class);
      http.start();
      return new IngestionServer(context, http, loop);
    } catch (RuntimeException | Error e) {
      if (loop != null) {
        loop.close();
      }
      context.close();
      throw e;
    }
  }

  /** The HTTP port uploads go to. */
  public int port() {
    return http.getPort();
  }

  /** Base URL of the HTTP endpoint, e.g. http://localhost:8081. */
  public String url() {
    return http.getURL().toString();
  }

  public ApplicationContext context() {
    return context;
  }

  /** The ingestion itself (for in-process callers such as {@code armory demo}). */
  public DatasetIngestion ingestion() {
    return context.getBean(DatasetIngestion.class);
  }

  /** Blocks until {@link #close} has finished. */
  public void awaitClosed() throws InterruptedException {
    closed.await();
  }

  /** Stops consuming (uncommitted requests are redelivered later), then HTTP and the context. */
  @Override
  public synchronized void close() {
    if (closed.getCount() == 0) {
      return;
    }
    try {
      if (loop != null) {
        loop.close();
      }
      http.stop();
    } finally {
      context.close();
      closed.countDown();
    }
  }

  /**
   * Runs the service alone, configured by application.yml and environment variables (at least
   * ARMORY_KAFKA_BOOTSTRAP_SERVERS and ARMORY_STORE_ROOT); stops on SIGTERM or Ctrl-C.
   */
  public static void main(String[] args) throws InterruptedException {
    // Kafka's clients are chatty at INFO; the service's own lines stay visible.
    System.setProperty(
        "org.slf4j.simpleLogger.defaultLogLevel",
        System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
    System.setProperty(
        "org.slf4j.simpleLogger.log.dev.armory",
        System.getProperty("org.slf4j.simpleLogger.log.dev.armory", "info"));
    IngestionServer server = start(Map.of());
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "armory-ingestion-shutdown"));
    System.err.println(
        "armory ingestion: HTTP uploads on "
            + server.url()
            + "/datasets/{id}; "
            + (server.loop == null
                ? "not consuming events (armory.ingestion.consume-events=false)"
                : "consuming "
                    + Topics.DATASET_INGEST_REQUESTED
                    + " ("
                    + DatasetIngestRequested.getDescriptor().getFullName()
                    + ")"));
    server.awaitClosed();
  }
}
