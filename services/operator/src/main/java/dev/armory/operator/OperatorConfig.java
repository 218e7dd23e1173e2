package dev.armory.operator;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Operator settings, read from ARMORY_* environment variables (the Helm chart sets them).
 *
 * @param namespaces namespaces whose TuningRuns are watched; empty watches all namespaces
 * @param trainerImage image of the training pod (CUDA runtime + the armory CLI)
 * @param trainerServiceAccount service account of the training pod
 * @param kafkaBootstrapServers Kafka bootstrap servers given to the trainer and used for events;
 *     blank disables the operator's Kafka consumers
 * @param artifactsClaim PersistentVolumeClaim holding the artifact store
 * @param artifactsMountPath where the artifact store is mounted in the training pod
 * @param gpuNodeSelector node labels a GPU node carries (default {@code
 *     nvidia.com/gpu.present=true})
 * @param gpuResource extended resource name of a GPU
 * @param defaultBackoffLimit pod failures tolerated when the spec sets none
 * @param defaultActiveDeadlineSeconds Job time limit when the spec sets none
 * @param healthPort port of the /healthz and /readyz endpoints; 0 disables them
 */
public record OperatorConfig(
    Set<String> namespaces,
    String trainerImage,
    String trainerServiceAccount,
    String kafkaBootstrapServers,
    String artifactsClaim,
    String artifactsMountPath,
    Map<String, String> gpuNodeSelector,
    String gpuResource,
    int defaultBackoffLimit,
    long defaultActiveDeadlineSeconds,
    int healthPort) {

  public static final String DEFAULT_TRAINER_IMAGE = "armory/armory-trainer-cuda:0.1.0";

  public OperatorConfig {
    namespaces = Set.copyOf(namespaces);
    gpuNodeSelector = Map.copyOf(gpuNodeSelector);
    if (trainerImage == null || trainerImage.isBlank()) {
      throw new IllegalArgumentException(
          "ARMORY_TRAINER_IMAGE is empty: set it to the trainer image, e.g. "
              + DEFAULT_TRAINER_IMAGE);
    }
    if (defaultBackoffLimit < 0) {
      throw new IllegalArgumentException(
          "ARMORY_DEFAULT_BACKOFF_LIMIT must be >= 0, got " + defaultBackoffLimit);
    }
    if (defaultActiveDeadlineSeconds < 60) {
      throw new IllegalArgumentException(
          "ARMORY_DEFAULT_ACTIVE_DEADLINE_SECONDS must be >= 60, got "
              + defaultActiveDeadlineSeconds);
    }
  }

  /** Defaults: all namespaces, the CUDA trainer image, claim armory-artifacts, no Kafka. */
  public static OperatorConfig defaults() {
    return fromEnvironment(Map.of());
  }

  /** Settings from environment variables, each falling back to its default. */
  public static OperatorConfig fromEnvironment(Map<String, String> env) {
    Function<String, String> get = key -> env.getOrDefault(key, "").trim();
    return new OperatorConfig(
        csv(get.apply("ARMORY_OPERATOR_NAMESPACES")),
        or(get.apply("ARMORY_TRAINER_IMAGE"), DEFAULT_TRAINER_IMAGE),
        or(get.apply("ARMORY_TRAINER_SERVICE_ACCOUNT"), "armory-trainer"),
        get.apply("ARMORY_KAFKA_BOOTSTRAP_SERVERS"),
        or(get.apply("ARMORY_ARTIFACTS_CLAIM"), "armory-artifacts"),
        or(get.apply("ARMORY_ARTIFACTS_MOUNT_PATH"), "/var/lib/armory"),
        labels("ARMORY_GPU_NODE_SELECTOR", or(get.apply("ARMORY_GPU_NODE_SELECTOR"), GPU_PRESENT)),
        or(get.apply("ARMORY_GPU_RESOURCE"), "nvidia.com/gpu"),
        (int)
            integer(
                "ARMORY_DEFAULT_BACKOFF_LIMIT", or(get.apply("ARMORY_DEFAULT_BACKOFF_LIMIT"), "2")),
        integer(
            "ARMORY_DEFAULT_ACTIVE_DEADLINE_SECONDS",
            or(get.apply("ARMORY_DEFAULT_ACTIVE_DEADLINE_SECONDS"), "172800")),
        (int)
            integer(
                "ARMORY_OPERATOR_HEALTH_PORT",
                or(get.apply("ARMORY_OPERATOR_HEALTH_PORT"), "8080")));
  }

  /** Same settings watching only these namespaces. */
  public OperatorConfig withNamespaces(Set<String> watched) {
    return new OperatorConfig(
        watched,
        trainerImage,
        trainerServiceAccount,
        kafkaBootstrapServers,
        artifactsClaim,
        artifactsMountPath,
        gpuNodeSelector,
        gpuResource,
        defaultBackoffLimit,
        defaultActiveDeadlineSeconds,
        healthPort);
  }

  /** Same settings with these Kafka bootstrap servers (blank disables Kafka). */
  public OperatorConfig withKafkaBootstrapServers(String servers) {
    return new OperatorConfig(
        namespaces,
        trainerImage,
        trainerServiceAccount,
        servers,
        artifactsClaim,
        artifactsMountPath,
        gpuNodeSelector,
        gpuResource,
        defaultBackoffLimit,
        defaultActiveDeadlineSeconds,
        healthPort);
  }

  /** Same settings with the health endpoints on this port (0 disables them). */
  public OperatorConfig withHealthPort(int port) {
    return new OperatorConfig(
        namespaces,
        trainerImage,
        trainerServiceAccount,
        kafkaBootstrapServers,
        artifactsClaim,
        artifactsMountPath,
        gpuNodeSelector,
        gpuResource,
        defaultBackoffLimit,
        defaultActiveDeadlineSeconds,
        port);
  }

  /** True when the operator should consume and publish Kafka events. */
  public boolean kafkaEnabled() {
    return kafkaBootstrapServers != null && !kafkaBootstrapServers.isBlank();
  }

  private static final String GPU_PRESENT = "nvidia.com/gpu.present=true";

  private static String or(String value, String fallback) {
    return value.isEmpty() ? fallback : value;
  }

  private static Set<String> csv(String value) {
    return Arrays.stream(value.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .collect(Collectors.toUnmodifiableSet());
  }

  private static Map<String, String> labels(String variable, String value) {
    Map<String, String> labels = new LinkedHashMap<>();
    for (String pair : value.split(",")) {
      String p = pair.trim();
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            variable + ": '" + p + "' is not key=value; write e.g. " + GPU_PRESENT);
      }
      labels.put(p.substring(0, eq).trim(), p.substring(eq + 1).trim());
    }
    return labels;
  }

  private static long integer(String variable, String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(variable + ": '" + value + "' is not a whole number", e);
    }
  }
}
