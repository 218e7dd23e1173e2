package dev.armory.judge;

import dev.armory.events.v1.JudgeRequested;
import dev.armory.platform.PlatformConfig;
import dev.armory.platform.events.EventConsumerLoop;
import dev.armory.platform.events.Topics;
import dev.armory.platform.store.ArtifactStore;
import io.micronaut.context.ApplicationContext;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The judge service in this JVM: a Micronaut context and a consumer loop on {@code
 * armory.judge.requested}. Used by {@code armory up}, by {@link #main} when the service runs alone,
 * and by tests.
 */
public final class JudgeServer implements AutoCloseable {
  /** Set in the judge's own context, so its platform beans stay out of other services' contexts. */
  static final String MARKER = "armory.judge.server";

  private final ApplicationContext context;
  private final EventConsumerLoop loop;
  private final CountDownLatch closed = new CountDownLatch(1);

  private JudgeServer(ApplicationContext context, EventConsumerLoop loop) {
    this.context = context;
    this.loop = loop;
  }

  /**
   * Starts the service with {@code properties} over application.yml and environment variables (e.g.
   * {@code armory.kafka.bootstrap-servers}, {@code armory.store.root}, {@code
   * armory.judge.inference-target}).
   */
  public static JudgeServer start(Map<String, Object> properties) {
    Map<String, Object> withMarker = new java.util.HashMap<>(properties);
    withMarker.put(MARKER, "true");
    ApplicationContext context =
        ApplicationContext.builder().properties(withMarker).deduceEnvironment(false).start();
    try {
      JudgeConfig config = context.getBean(JudgeConfig.class);
      EventConsumerLoop loop =
          EventConsumerLoop.builder(context.getBean(PlatformConfig.class), config.groupId())
              .topics(Topics.JUDGE_REQUESTED)
              .processedKeys(context.getBean(ArtifactStore.class).processedKeys())
              .handler(context.getBean(JudgeRequestHandler.class))
              .start();
      return new JudgeServer(context, loop);
    } catch (RuntimeException | Error e) {
      context.close();
      throw e;
    }
  }

  public ApplicationContext context() {
    return context;
  }

  public JudgeConfig config() {
    return context.getBean(JudgeConfig.class);
  }

  /** Blocks until {@link #close} has finished. */
  public void awaitClosed() throws InterruptedException {
    closed.await();
  }

  /** Stops consuming (an unfinished request is redelivered later), then the context. */
  @Override
  public synchronized void close() {
    if (closed.getCount() == 0) {
      return;
    }
    try {
      loop.close();
    } finally {
      context.close();
      closed.countDown();
    }
  }

  /**
   * Runs the service alone, configured by application.yml and environment variables (at least
   * ARMORY_KAFKA_BOOTSTRAP_SERVERS, ARMORY_STORE_ROOT and ARMORY_JUDGE_INFERENCE_TARGET); stops on
   * SIGTERM or Ctrl-C.
   */
  public static void main(String[] args) throws InterruptedException {
    // Kafka's clients are chatty at INFO; the service's own lines stay visible.
    System.setProperty(
        "org.slf4j.simpleLogger.defaultLogLevel",
        System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
    System.setProperty(
        "org.slf4j.simpleLogger.log.dev.armory",
        System.getProperty("org.slf4j.simpleLogger.log.dev.armory", "info"));
    JudgeServer server = start(Map.of());
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "armory-judge-shutdown"));
    JudgeConfig config = server.config();
    System.err.println(
        "armory judge: consuming "
            + Topics.JUDGE_REQUESTED
            + " ("
            + JudgeRequested.getDescriptor().getFullName()
            + "); candidates from "
            + config.inferenceTarget()
            + ", LLM judge on "
            + config.judgeTarget());
    server.awaitClosed();
  }
}
