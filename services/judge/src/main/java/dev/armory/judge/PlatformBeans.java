package dev.armory.judge;

import dev.armory.platform.PlatformConfig;
import dev.armory.platform.events.EventProducer;
import dev.armory.platform.store.ArtifactStore;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.env.Environment;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.Map;

/** The platform library's objects as beans: configuration, artifact store, event producer. */
@Factory
class PlatformBeans {

  @Singleton
  PlatformConfig platformConfig(Environment environment) {
    Map<String, String> properties = new HashMap<>();
    for (String key : new String[] {PlatformConfig.BOOTSTRAP_SERVERS, PlatformConfig.STORE_ROOT}) {
      environment.getProperty(key, String.class).ifPresent(v -> properties.put(key, v));
    }
    environment
        .getProperties("armory.kafka.client")
        .forEach(
            (k, v) -> properties.put(PlatformConfig.KAFKA_CLIENT_PREFIX + k, String.valueOf(v)));
    return PlatformConfig.from(properties, "judge");
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
