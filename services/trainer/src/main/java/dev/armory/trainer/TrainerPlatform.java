package dev.armory.trainer;

import dev.armory.platform.PlatformConfig;
import dev.armory.platform.events.EventProducer;
import dev.armory.platform.store.ArtifactStore;
import io.micronaut.context.env.Environment;

/**
 * The platform objects the trainer uses: shared configuration, the artifact store and one event
 * producer. One bean of the trainer's own type, so the trainer's context never competes with
 * another service's beans of the platform types when several services share a JVM.
 */
public record TrainerPlatform(PlatformConfig config, ArtifactStore store, EventProducer producer)
    implements AutoCloseable {

  /** Reads {@code armory.kafka.*} and {@code armory.store.root} from the environment. */
  public static TrainerPlatform from(Environment environment, String serviceName) {
    PlatformConfig config = platformConfig(environment, serviceName);
    return new TrainerPlatform(
        config, ArtifactStore.open(config.storeRoot()), new EventProducer(config));
  }

  /** The platform configuration in a Micronaut environment (properties, then ARMORY_* env). */
  public static PlatformConfig platformConfig(Environment environment, String serviceName) {
    return PlatformConfig.from(
        key -> environment.getProperty(key, String.class),
        environment.getProperties(PlatformConfig.KAFKA_CLIENT_SECTION),
        serviceName);
  }

  @Override
  public void close() {
    producer.close();
  }
}
