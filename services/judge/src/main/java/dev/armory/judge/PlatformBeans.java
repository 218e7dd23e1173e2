package dev.armory.judge;

import dev.armory.platform.PlatformConfig;
import dev.armory.platform.events.EventProducer;
import dev.armory.platform.store.ArtifactStore;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Primary;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.env.Environment;
import jakarta.inject.Singleton;

/**
 * The platform library's objects as beans: configuration, artifact store, event producer. Active
 * only in a context {@link JudgeServer} starts, and primary there: in one JVM (armory up) every
 * service's factories are on the classpath of every context.
 */
@Factory
@Requires(property = JudgeServer.MARKER, value = "true")
class PlatformBeans {

  @Singleton
  @Primary
  PlatformConfig platformConfig(Environment environment) {
    return PlatformConfig.from(
        key -> environment.getProperty(key, String.class),
        environment.getProperties(PlatformConfig.KAFKA_CLIENT_SECTION),
        "judge");
  }

  @Singleton
  @Primary
  ArtifactStore artifactStore(PlatformConfig config) {
    return ArtifactStore.open(config.storeRoot());
  }

  @Singleton
  @Primary
  @Bean(preDestroy = "close")
  EventProducer eventProducer(PlatformConfig config) {
    return new EventProducer(config);
  }
}
