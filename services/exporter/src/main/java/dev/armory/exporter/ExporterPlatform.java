package dev.armory.exporter;

import dev.armory.platform.PlatformConfig;
import dev.armory.platform.events.EventProducer;
import dev.armory.platform.store.ArtifactStore;
import io.micronaut.context.env.Environment;

/**
 * The platform objects the exporter uses: configuration, artifact store, one event producer. A bean
 * of the exporter's own type, so services sharing a JVM never compete for platform beans.
 */
public record ExporterPlatform(PlatformConfig config, ArtifactStore store, EventProducer producer)
    implements AutoCloseable {

  /** Reads {@code armory.kafka.*} and {@code armory.store.root} from the environment. */
  public static ExporterPlatform from(Environment environment) {
    PlatformConfig config =
        PlatformConfig.from(
            key -> environment.getProperty(key, String.class),
            environment.getProperties(PlatformConfig.KAFKA_CLIENT_SECTION),
            "exporter");
    return new ExporterPlatform(
        config, ArtifactStore.open(config.storeRoot()), new EventProducer(config));
  }

  @Override
  public void close() {
    producer.close();
  }
}
