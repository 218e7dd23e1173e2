package dev.armory.ingestion;

import dev.armory.platform.PlatformConfig;
import dev.armory.platform.events.EventProducer;
import dev.armory.platform.store.ArtifactStore;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.env.Environment;
import jakarta.inject.Singleton;

/** The platform library's objects as beans: configuration, artifact store, event producer. */
@Factory
class PlatformBeans {

  @Singleton
  PlatformConfig platformConfig(Environment environment) {
    return PlatformConfig.from(
        key -> environment.getProperty(key, String.class),
        environment.getProperties(PlatformConfig.KAFKA_CLIENT_SECTION),
        "ingestion");
  }

  @Singleton
  ArtifactStore artifactStore(PlatformConfig config) {
    return ArtifactStore.open(config.storeRoot());
  }

  @Singleton
  @Bean(preDestroy = "close")
  EventProducer eventProducer(PlatformConfig config) {
    return new EventProducer(config);
  }
}
