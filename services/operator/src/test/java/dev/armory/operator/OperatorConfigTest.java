package dev.armory.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Settings from the environment, and the health endpoints the Deployment probes. */
class OperatorConfigTest {

  @Test
  void defaultsWatchAllNamespacesWithoutKafka() {
    OperatorConfig c = OperatorConfig.defaults();
    assertEquals(Set.of(), c.namespaces());
    assertFalse(c.kafkaEnabled());
    assertEquals("armory-artifacts", c.artifactsClaim());
    assertEquals(Map.of("nvidia.com/gpu.present", "true"), c.gpuNodeSelector());
    assertEquals("NoSchedule", c.gpuTolerations().get(0).getEffect());
  }

  @Test
  void listsAreParsedAndBadValuesNameTheVariable() {
    OperatorConfig c =
        OperatorConfig.fromEnvironment(Map.of("ARMORY_OPERATOR_NAMESPACES", " armory, research ,"));
    assertEquals(Set.of("armory", "research"), c.namespaces());

    var selector =
        assertThrows(
            IllegalArgumentException.class,
            () -> OperatorConfig.fromEnvironment(Map.of("ARMORY_GPU_NODE_SELECTOR", "gpu")));
    assertTrue(
        selector.getMessage().startsWith("ARMORY_GPU_NODE_SELECTOR: 'gpu' is not key=value"));
    var deadline =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                OperatorConfig.fromEnvironment(
                    Map.of("ARMORY_DEFAULT_ACTIVE_DEADLINE_SECONDS", "10")));
    assertTrue(deadline.getMessage().contains("must be >= 60, got 10"), deadline.getMessage());
    var tolerations =
        assertThrows(
            IllegalArgumentException.class,
            () -> OperatorConfig.fromEnvironment(Map.of("ARMORY_GPU_TOLERATIONS", "{oops")));
    assertTrue(tolerations.getMessage().startsWith("ARMORY_GPU_TOLERATIONS: not a JSON list"));
  }

  @Test
  void healthEndpointsFollowTheOperatorsHealth() throws Exception {
    AtomicBoolean healthy = new AtomicBoolean(false);
    try (HealthServer server = HealthServer.start(0, healthy::get)) {
      HttpClient http = HttpClient.newHttpClient();
      URI readyz = URI.create("http://localhost:" + server.port() + "/readyz");
      assertEquals(
          503,
          http.send(HttpRequest.newBuilder(readyz).build(), HttpResponse.BodyHandlers.ofString())
              .statusCode());
      healthy.set(true);
      assertEquals(
          200,
          http.send(HttpRequest.newBuilder(readyz).build(), HttpResponse.BodyHandlers.ofString())
              .statusCode());
      URI healthz = URI.create("http://localhost:" + server.port() + "/healthz");
      assertEquals(
          200,
          http.send(HttpRequest.newBuilder(healthz).build(), HttpResponse.BodyHandlers.ofString())
              .statusCode());
    }
  }
}
