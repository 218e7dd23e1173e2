package dev.armory.inference;

import dev.armory.engine.generate.ServingEngine;
import io.micronaut.context.ApplicationContext;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.runtime.server.EmbeddedServer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The inference service in this JVM: a Micronaut context with the engine, the gRPC server and a
 * small HTTP server for operations (GET /prometheus, GET /health). Used by {@code armory serve}, by
 * {@link #main} when the service runs alone, and by tests. {@link #close} shuts down gracefully:
 * health turns NOT_SERVING, running generations get the configured grace to finish, the rest are
 * cancelled, then the server and the engine stop.
 */
public final class InferenceServer implements AutoCloseable {
  private final ApplicationContext context;
  private final GrpcEmbeddedServer server;
  private final EmbeddedServer http;
  private final GenerationService generation;
  private final AdapterService adapters;
  private final CountDownLatch closed = new CountDownLatch(1);

  private InferenceServer(
      ApplicationContext context, GrpcEmbeddedServer server, EmbeddedServer http) {
    this.context = context;
    this.server = server;
    this.http = http;
    this.generation = context.getBean(GenerationService.class);
    this.adapters = context.getBean(AdapterService.class);
  }

  /**
   * Starts the service with {@code properties} over application.yml and environment variables (e.g.
   * {@code armory.inference.model-dir}, {@code grpc.server.port}; port 0 picks a free one). The
   * model is loaded before the server listens.
   */
  public static InferenceServer start(Map<String, Object> properties) {
    Map<String, Object> p = new HashMap<>(properties);
    if ("0".equals(String.valueOf(p.get("grpc.server.port")))
        && !p.containsKey("micronaut.server.port")) {
      p.put("micronaut.server.port", -1); // a free gRPC port asks for a free HTTP port too
    }
    ApplicationContext context =
        ApplicationContext.builder().properties(p).deduceEnvironment(false).start();
    try {
      context.getBean(ServingEngine.class); // fail here, with the engine's message, not mid-startup
      // The HTTP server (metrics, health) is the primary embedded server; starting it starts gRPC
      // too (micronaut-grpc listens for its startup), and the explicit start below is then a no-op.
      EmbeddedServer http = context.getBean(EmbeddedServer.class);
      http.start();
      GrpcEmbeddedServer server = context.getBean(GrpcEmbeddedServer.class);
      server.start();
      return new InferenceServer(context, server, http);
    } catch (RuntimeException | Error e) {
      context.close();
      throw e;
    }
  }

  /** The port the server listens on. */
  public int port() {
    return server.getServer().getPort();
  }

  /** The HTTP port of GET /prometheus and GET /health. */
  public int metricsPort() {
    return http.getPort();
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
      http.stop();
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
            + server.port()
            + " (metrics: http://"
            + server.host()
            + ":"
            + server.metricsPort()
            + "/prometheus)");
    server.awaitClosed();
  }
}
