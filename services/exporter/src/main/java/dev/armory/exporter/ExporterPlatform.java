package dev.armory.exporter;

import dev.armory.platform.PlatformConfig;
import dev.armory.platform.events.EventProducer;
import dev.armory.platform.store.ArtifactStore;
import io.micronaut.context.env.Environment;
import java.util.HashMap;
import java.util.Map;

/**
 * The platform objects the exporter uses: configuration, artifact store, one event producer. A bean
 * of the exporter's own type, so services sharing a JVM never compete for platform beans.
 */
public record ExporterPlatform(PlatformConfig config, ArtifactStore store, EventProducer producer)
    implements AutoCloseable {

  /** Reads {@code armory.kafka.*} and {@code armory.store.root} from the environment. */
  public static ExporterPlatform from(Environment environment) {
    Map<String, String> properties = new HashMap<>();
    for (String key : new String[] {PlatformConfig.BOOTSTRAP_SERVERS, PlatformConfig.STORE_ROOT}) {
      environment.getProperty(key, String.class).ifPresent(v -> properties.put(key, v));
    }
    environment
        .getProperties("armory.kafka.client")
        .forEach(
            (k, v) -> properties.put(PlatformConfig.KAFKA_CLIENT_PREFIX + k, String.valueOf(v)));
    PlatformConfig config = PlatformConfig.from(properties, "exporter");
    return new ExporterPlatform(
        config, ArtifactStore.open(config.storeRoot()), new EventProducer(config));
  }

  @Override
  public void close() {
    producer.close();
  }
}
