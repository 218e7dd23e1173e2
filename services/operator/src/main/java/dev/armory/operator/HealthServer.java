package dev.armory.operator;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * /healthz and /readyz for the Deployment's probes: 200 while the operator is healthy, else 503.
 */
public final class HealthServer implements AutoCloseable {

  private final HttpServer server;

  private HealthServer(HttpServer server) {
    this.server = server;
  }

  /** Listens on the port (0 picks a free one) and answers from {@code healthy}. */
  public static HealthServer start(int port, BooleanSupplier healthy) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
    for (String path : new String[] {"/healthz", "/readyz"}) {
      server.createContext(
          path,
          exchange -> {
            boolean ok = healthy.getAsBoolean();
            byte[] body =
                (ok ? "ok\n" : "informers not started or unhealthy\n")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(ok ? 200 : 503, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          });
    }
    server.start();
    return new HealthServer(server);
  }

  /** The port it listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
