package dev.armory.inference;

import dev.armory.engine.generate.ServingEngine;
import io.micronaut.context.ApplicationContext;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The inference service in this JVM: a Micronaut context with the engine and the gRPC server. Used
 * by {@code armory serve}, by {@link #main} when the service runs alone, and by tests. {@link
 * #close} shuts down gracefully: health turns NOT_SERVING, running generations get the configured
 * grace to finish, the rest are cancelled, then the server and the engine stop.
 */
public final class InferenceServer implements AutoCloseable {
  private final ApplicationContext context;
  private final GrpcEmbeddedServer server;
  private final GenerationService generation;
  private final AdapterService adapters;
  private final CountDownLatch closed = new CountDownLatch(1);

  private InferenceServer(ApplicationContext context, GrpcEmbeddedServer server) {
    this.context = context;
    this.server = server;
    this.generation = context.getBean(GenerationService.class);
    this.adapters = context.getBean(AdapterService.class);
  }

  /**
   * Starts the service with {@code properties} over application.yml and environment variables (e.g.
   * {@code armory.inference.model-dir}, {@code grpc.server.port}; port 0 picks a free one). The
   * model is loaded before the server listens.
   */
  public static InferenceServer start(Map<String, Object> properties) {
    ApplicationContext context =
        ApplicationContext.builder().properties(properties).deduceEnvironment(false).start();
    try {
      context.getBean(ServingEngine.class); // fail here, with the engine's message, not mid-startup
      GrpcEmbeddedServer server = context.getBean(GrpcEmbeddedServer.class);
      server.start();
      return new InferenceServer(context, server);
    } catch (RuntimeException | Error e) {
      context.close();
      throw e;
    }
  }

  /** The port the server listens on. */
  public int port() {
    return server.getServer().getPort();
  }

  /** The host it binds (grpc.server.host; all interfaces when unset). */
  public String host() {
    return context.getProperty("grpc.server.host", String.class).orElse("0.0.0.0");
  }

  public ApplicationContext context() {
    return context;
  }

  public GenerationService generation() {
    return generation;
  }

  /** Hot-loads adapters into the running server (see {@link AdapterService#hotLoad}). */
  public AdapterService adapters() {
    return adapters;
  }

  /** Blocks until {@link #close} has finished. */
  public void awaitClosed() throws InterruptedException {
    closed.await();
  }

  @Override
  public synchronized void close() {
    if (closed.getCount() == 0) {
      return;
    }
    try {
      server.stop(); // publishes ServerShutdownEvent first: the drain happens there
    } finally {
      context.close();
      closed.countDown();
    }
  }

  /**
   * Runs the service alone, configured by application.yml and environment variables (at least
   * ARMORY_INFERENCE_MODEL_DIR); stops gracefully on SIGTERM or Ctrl-C.
   */
  public static void main(String[] args) throws InterruptedException {
    InferenceServer server = start(Map.of());
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "armory-inference-shutdown"));
    System.err.println(
        "armory inference: serving '"
            + server.generation().modelId()
            + "' on "
            + server.host()
            + ":"
            + server.port());
    server.awaitClosed();
  }
}
