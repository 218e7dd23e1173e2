package dev.armory.trainer;

import dev.armory.events.v1.TrainingRequested;
import dev.armory.platform.events.EventConsumerLoop;
import dev.armory.platform.events.Topics;
import io.micronaut.context.ApplicationContext;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer service in this JVM: a Micronaut context with the worker and launcher, the runs left
 * unfinished by the last process resumed, and a consumer loop on {@code armory.training.requested}.
 * Used by {@code armory up}, by {@link #main} when the service runs alone, and by tests.
 */
public final class TrainerServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TrainerServer.class);

  private final ApplicationContext context;
  private final EventConsumerLoop loop;
  private final int resumed;
  private final CountDownLatch closed = new CountDownLatch(1);

  private TrainerServer(ApplicationContext context, EventConsumerLoop loop, int resumed) {
    this.context = context;
    this.loop = loop;
    this.resumed = resumed;
  }

  /**
   * Starts the service with {@code properties} over environment variables ({@code
   * armory.kafka.bootstrap-servers}, {@code armory.store.root}, {@code armory.trainer.*}).
   */
  public static TrainerServer start(Map<String, Object> properties) {
    ApplicationContext context =
        ApplicationContext.builder()
            .properties(new HashMap<>(properties))
            .deduceEnvironment(false)
            .start();
    try {
      TrainerConfig config = context.getBean(TrainerConfig.class);
      TrainerPlatform platform = context.getBean(TrainerPlatform.class);
      TrainerService service = context.getBean(TrainerService.class);
      int resumed = config.resumeOnStart() ? service.recover() : 0;
      EventConsumerLoop loop =
          EventConsumerLoop.builder(platform.config(), config.groupId())
              .topics(Topics.TRAINING_REQUESTED)
              .processedKeys(platform.store().processedKeys())
              .deadLetters(platform.producer())
              .handler(new TrainingRequestHandler(service))
              .start();
      return new TrainerServer(context, loop, resumed);
    } catch (RuntimeException | Error e) {
      context.close();
      throw e;
    }
  }

  public ApplicationContext context() {
    return context;
  }

  public TrainerService service() {
    return context.getBean(TrainerService.class);
  }

  /** Runs relaunched at start because they were unfinished. */
  public int resumedRuns() {
    return resumed;
  }

  public void awaitClosed() throws InterruptedException {
    closed.await();
  }

  /**
   * Stops consuming (an uncommitted request is redelivered to the next trainer), asks running runs
   * to stop with a checkpoint (they resume on the next start), then closes the context.
   */
  @Override
  public synchronized void close() {
    if (closed.getCount() == 0) {
      return;
    }
    try {
      loop.close();
      context.getBean(TrainerService.class).launcher().close();
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
    TrainerServer server = start(Map.of());
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "armory-trainer-shutdown"));
    LOG.info(
        "armory trainer: consuming {} ({}); {} unfinished runs resumed",
        Topics.TRAINING_REQUESTED,
        TrainingRequested.getDescriptor().getFullName(),
        server.resumedRuns());
    server.awaitClosed();
  }
}
