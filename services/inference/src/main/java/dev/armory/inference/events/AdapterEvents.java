package dev.armory.inference.events;

import dev.armory.inference.AdapterService;
import dev.armory.inference.InferenceConfig;
import dev.armory.platform.PlatformConfig;
import dev.armory.platform.events.EventConsumerLoop;
import dev.armory.platform.events.Topics;
import dev.armory.platform.store.ArtifactStore;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.env.Environment;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes {@code armory.adapter.published} once the server listens (when {@code
 * armory.inference.events.enabled} is true) and hands each event to the {@link
 * PublishedAdapterLoader}; stops with the server.
 */
@Singleton
@Requires(property = AdapterEventsConfig.PREFIX + ".enabled", value = "true")
final class AdapterEvents implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AdapterEvents.class);

  private final AdapterEventsConfig config;
  private final InferenceConfig inference;
  private final AdapterService adapters;
  private final Environment environment;
  private EventConsumerLoop loop;

  AdapterEvents(
      AdapterEventsConfig config,
      InferenceConfig inference,
      AdapterService adapters,
      Environment environment) {
    this.config = config;
    this.inference = inference;
    this.adapters = adapters;
    this.environment = environment;
  }

  @EventListener
  synchronized void onStartup(ServerStartupEvent event) {
    if (loop != null) {
      return;
    }
    PlatformConfig platform = platformConfig(environment);
    ArtifactStore store = ArtifactStore.open(platform.storeRoot());
    String group =
        config.groupId() == null || config.groupId().isBlank()
            ? "inference-" + UUID.randomUUID()
            : config.groupId();
    loop =
        EventConsumerLoop.builder(platform, group)
            .topics(Topics.ADAPTER_PUBLISHED)
            .handler(
                new PublishedAdapterLoader(
                    adapters, store, inference.requireModelDir(), config.requireSameBase()))
            .start();
    LOG.info(
        "hot-loading adapters published on {} (group {}, store {})",
        Topics.ADAPTER_PUBLISHED,
        group,
        store.root());
  }

  @PreDestroy
  @Override
  public synchronized void close() {
    if (loop != null) {
      loop.close();
      loop = null;
    }
  }

  private static PlatformConfig platformConfig(Environment environment) {
    return PlatformConfig.from(
        key -> environment.getProperty(key, String.class),
        environment.getProperties(PlatformConfig.KAFKA_CLIENT_SECTION),
        "inference");
  }
}
