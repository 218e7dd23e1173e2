package dev.armory.platform;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Settings every Armory service shares: where Kafka is, where the artifact store is, who is
 * talking, and extra Kafka client properties.
 *
 * @param bootstrapServers Kafka bootstrap servers, e.g. 127.0.0.1:9092
 * @param storeRoot root folder of the artifact store (local disk or mounted volume)
 * @param serviceName client id and default consumer group prefix, e.g. "ingestion"
 * @param kafka extra Kafka client properties applied last (e.g. security settings)
 */
public record PlatformConfig(
    String bootstrapServers, Path storeRoot, String serviceName, Map<String, String> kafka) {

  /** Property naming the bootstrap servers (env ARMORY_KAFKA_BOOTSTRAP_SERVERS). */
  public static final String BOOTSTRAP_SERVERS = "armory.kafka.bootstrap-servers";

  /** Property naming the artifact store root (env ARMORY_STORE_ROOT). */
  public static final String STORE_ROOT = "armory.store.root";

  /** Prefix of extra Kafka client properties, e.g. armory.kafka.client.security.protocol. */
  public static final String KAFKA_CLIENT_PREFIX = "armory.kafka.client.";

  /**
   * The section holding the extra Kafka client properties ({@link #KAFKA_CLIENT_PREFIX} without its
   * dot).
   */
  public static final String KAFKA_CLIENT_SECTION = "armory.kafka.client";

  public static final String DEFAULT_BOOTSTRAP_SERVERS = "127.0.0.1:9092";
  public static final Path DEFAULT_STORE_ROOT = Path.of("armory-data", "store");

  public PlatformConfig {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(storeRoot, "storeRoot");
    Objects.requireNonNull(serviceName, "serviceName");
    kafka = Map.copyOf(kafka == null ? Map.of() : kafka);
    if (bootstrapServers.isBlank()) {
      throw new IllegalArgumentException(
          BOOTSTRAP_SERVERS + " is empty: set it to host:port of a Kafka broker");
    }
  }

  /** Config for a service from explicit values and no extra Kafka properties. */
  public static PlatformConfig of(String bootstrapServers, Path storeRoot, String serviceName) {
    return new PlatformConfig(bootstrapServers, storeRoot, serviceName, Map.of());
  }

  /**
   * Reads {@code armory.kafka.bootstrap-servers}, {@code armory.store.root} and {@code
   * armory.kafka.client.*} from a property map (Micronaut's or system properties), falling back to
   * the environment variables ARMORY_KAFKA_BOOTSTRAP_SERVERS and ARMORY_STORE_ROOT, then defaults.
   */
  public static PlatformConfig from(Map<String, String> properties, String serviceName) {
    String bootstrap =
        firstNonBlank(
            properties.get(BOOTSTRAP_SERVERS),
            System.getenv("ARMORY_KAFKA_BOOTSTRAP_SERVERS"),
            DEFAULT_BOOTSTRAP_SERVERS);
    String store =
        firstNonBlank(
            properties.get(STORE_ROOT),
            System.getenv("ARMORY_STORE_ROOT"),
            DEFAULT_STORE_ROOT.toString());
    Map<String, String> extra = new LinkedHashMap<>();
    properties.forEach(
        (k, v) -> {
          if (k.startsWith(KAFKA_CLIENT_PREFIX)) {
            extra.put(k.substring(KAFKA_CLIENT_PREFIX.length()), v);
          }
        });
    return new PlatformConfig(bootstrap, Path.of(store), serviceName, extra);
  }

  /**
   * Reads the same keys from a configuration source such as a Micronaut {@code Environment}: {@code
   * property} looks up one key, {@code kafkaClient} is the {@link #KAFKA_CLIENT_SECTION} section
   * with the prefix already removed.
   */
  public static PlatformConfig from(
      Function<String, Optional<String>> property, Map<String, ?> kafkaClient, String serviceName) {
    Map<String, String> properties = new LinkedHashMap<>();
    for (String key : new String[] {BOOTSTRAP_SERVERS, STORE_ROOT}) {
      property.apply(key).ifPresent(v -> properties.put(key, v));
    }
    kafkaClient.forEach((k, v) -> properties.put(KAFKA_CLIENT_PREFIX + k, String.valueOf(v)));
    return from(properties, serviceName);
  }

  /** Same config pointed at other bootstrap servers (e.g. an embedded broker). */
  public PlatformConfig withBootstrapServers(String servers) {
    return new PlatformConfig(servers, storeRoot, serviceName, kafka);
  }

  /** Idempotent producer: acks=all, retries, at most 5 in flight (ordering kept). */
  public Properties producerProperties() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, serviceName + "-producer");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.putAll(kafka);
    return p;
  }

  /** Consumer that never auto-commits: the consumer loop commits after the effect. */
  public Properties consumerProperties(String groupId) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, groupId + "-consumer");
    p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.putAll(kafka);
    return p;
  }

  /** Admin client (topic creation, offset inspection). */
  public Properties adminProperties() {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, serviceName + "-admin");
    p.putAll(kafka);
    return p;
  }

  private static String firstNonBlank(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v.trim();
      }
    }
    return null;
  }
}
