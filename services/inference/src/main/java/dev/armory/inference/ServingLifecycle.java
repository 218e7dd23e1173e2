package dev.armory.inference;

import dev.armory.proto.inference.v1.InferenceGrpc;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.micronaut.context.annotation.Requires;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.runtime.server.event.ServerShutdownEvent;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Health follows the server: SERVING once it listens; on shutdown NOT_SERVING first (so load
 * balancers stop sending), then in-flight generations get the configured grace to finish before
 * they are cancelled, and only then does the gRPC server stop.
 */
@Singleton
// Only where this context serves gRPC: in `armory up` every service's context sees this bean, and
// another service's HTTP server start must not pull the inference engine into its context.
@Requires(property = "grpc.server.enabled", notEquals = "false")
final class ServingLifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(ServingLifecycle.class);

  private final HealthStatusManager health;
  private final GenerationService generation;
  private final InferenceConfig config;

  ServingLifecycle(
      HealthStatusManager health, GenerationService generation, InferenceConfig config) {
    this.health = health;
    this.generation = generation;
    this.config = config;
  }

  @EventListener
  void onStartup(ServerStartupEvent event) {
    health.setStatus(InferenceGrpc.SERVICE_NAME, ServingStatus.SERVING);
    health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.SERVING);
  }

  @EventListener
  void onShutdown(ServerShutdownEvent event) {
    health.setStatus(InferenceGrpc.SERVICE_NAME, ServingStatus.NOT_SERVING);
    health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.NOT_SERVING);
    generation.drain(config.shutdownGrace());
    LOG.info("inference drained; stopping the gRPC server");
  }
}
