package dev.armory.operator;

import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
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
 * @param storeRoot where the artifact store is mounted in the training pod
 * @param gpuNodeSelector node labels a GPU node carries (default {@code
 *     nvidia.com/gpu.present=true})
 * @param gpuTolerations tolerations of GPU training pods (default: the nvidia.com/gpu taint)
 * @param gpuResource extended resource name of a GPU
 * @param defaultBackoffLimit pod failures tolerated when the spec sets none
 * @param defaultActiveDeadlineSeconds Job time limit when the spec sets none
 * @param healthPort port of the /healthz and /readyz endpoints; 0 disables them
 * @param requestsNamespace namespace of TuningRuns created from Kafka TrainingRequested events
 * @param kafkaClient extra Kafka client properties (security and the like)
 * @param consumeEvents consume TrainingRequested and trainer events (when Kafka is configured);
 *     false only passes the bootstrap servers on to training pods
 */
public record OperatorConfig(
    Set<String> namespaces,
    String trainerImage,
    String trainerServiceAccount,
    String kafkaBootstrapServers,
    String artifactsClaim,
    String storeRoot,
    Map<String, String> gpuNodeSelector,
    List<Toleration> gpuTolerations,
    String gpuResource,
    int defaultBackoffLimit,
    long defaultActiveDeadlineSeconds,
    int healthPort,
    String requestsNamespace,
    Map<String, String> kafkaClient,
    boolean consumeEvents) {

  public static final String DEFAULT_TRAINER_IMAGE = "armory/armory-trainer-cuda:0.1.0";
  private static final String GPU_PRESENT = "nvidia.com/gpu.present=true";

  public OperatorConfig {
    namespaces = Set.copyOf(namespaces);
    gpuNodeSelector = Map.copyOf(gpuNodeSelector);
    gpuTolerations = List.copyOf(gpuTolerations);
    kafkaClient = Map.copyOf(kafkaClient);
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

  /**
   * Settings from environment variables, each falling back to its default:
   * ARMORY_OPERATOR_NAMESPACES (comma-separated), ARMORY_TRAINER_IMAGE,
   * ARMORY_TRAINER_SERVICE_ACCOUNT, ARMORY_KAFKA_BOOTSTRAP_SERVERS, ARMORY_ARTIFACTS_CLAIM,
   * ARMORY_STORE_ROOT, ARMORY_GPU_NODE_SELECTOR (k=v,k=v), ARMORY_GPU_TOLERATIONS (JSON list),
   * ARMORY_GPU_RESOURCE, ARMORY_DEFAULT_BACKOFF_LIMIT, ARMORY_DEFAULT_ACTIVE_DEADLINE_SECONDS,
   * ARMORY_OPERATOR_HEALTH_PORT, ARMORY_REQUESTS_NAMESPACE (default: the only watched namespace,
   * else "default"), ARMORY_OPERATOR_CONSUME_EVENTS (default true) and ARMORY_KAFKA_CLIENT_* (e.g.
   * ARMORY_KAFKA_CLIENT_SECURITY_PROTOCOL becomes security.protocol).
   */
  public static OperatorConfig fromEnvironment(Map<String, String> env) {
    Function<String, String> get = key -> env.getOrDefault(key, "").trim();
    String gpuResource = or(get.apply("ARMORY_GPU_RESOURCE"), "nvidia.com/gpu");
    return new OperatorConfig(
        csv(get.apply("ARMORY_OPERATOR_NAMESPACES")),
        or(get.apply("ARMORY_TRAINER_IMAGE"), DEFAULT_TRAINER_IMAGE),
        or(get.apply("ARMORY_TRAINER_SERVICE_ACCOUNT"), "armory-trainer"),
        get.apply("ARMORY_KAFKA_BOOTSTRAP_SERVERS"),
        or(get.apply("ARMORY_ARTIFACTS_CLAIM"), "armory-artifacts"),
        or(get.apply("ARMORY_STORE_ROOT"), "/var/lib/armory"),
        labels("ARMORY_GPU_NODE_SELECTOR", or(get.apply("ARMORY_GPU_NODE_SELECTOR"), GPU_PRESENT)),
        tolerations(get.apply("ARMORY_GPU_TOLERATIONS"), gpuResource),
        gpuResource,
        (int)
            number(
                "ARMORY_DEFAULT_BACKOFF_LIMIT", or(get.apply("ARMORY_DEFAULT_BACKOFF_LIMIT"), "2")),
        number(
            "ARMORY_DEFAULT_ACTIVE_DEADLINE_SECONDS",
            or(get.apply("ARMORY_DEFAULT_ACTIVE_DEADLINE_SECONDS"), "172800")),
        (int)
            number(
                "ARMORY_OPERATOR_HEALTH_PORT",
                or(get.apply("ARMORY_OPERATOR_HEALTH_PORT"), "8080")),
        or(
            get.apply("ARMORY_REQUESTS_NAMESPACE"),
            onlyOne(csv(get.apply("ARMORY_OPERATOR_NAMESPACES")))),
        kafkaClient(env),
        !"false".equalsIgnoreCase(get.apply("ARMORY_OPERATOR_CONSUME_EVENTS")));
  }

  private static String onlyOne(Set<String> namespaces) {
    return namespaces.size() == 1 ? namespaces.iterator().next() : "default";
  }

  private static Map<String, String> kafkaClient(Map<String, String> env) {
    String prefix = "ARMORY_KAFKA_CLIENT_";
    Map<String, String> props = new LinkedHashMap<>();
    env.forEach(
        (k, v) -> {
          if (k.startsWith(prefix) && k.length() > prefix.length()) {
            String key = k.substring(prefix.length()).toLowerCase(java.util.Locale.ROOT);
            props.put(key.replace('_', '.'), v);
          }
        });
    return props;
  }

  /** True when the operator consumes Kafka events (bootstrap servers set, consuming not off). */
  public boolean consumesEvents() {
    return consumeEvents && kafkaEnabled();
  }

  /** True when Kafka bootstrap servers are configured (training pods get them). */
  public boolean kafkaEnabled() {
    return kafkaBootstrapServers != null && !kafkaBootstrapServers.isBlank();
  }

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

  private static List<Toleration> tolerations(String json, String gpuResource) {
    if (json.isEmpty()) {
      // GPU nodes are usually tainted <gpu resource>:NoSchedule so that only GPU pods land there.
      return List.of(
          new TolerationBuilder()
              .withKey(gpuResource)
              .withOperator("Exists")
              .withEffect("NoSchedule")
              .build());
    }
    try {
      return List.of(new KubernetesSerialization().unmarshal(json, Toleration[].class));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "ARMORY_GPU_TOLERATIONS: not a JSON list of tolerations ("
              + e.getMessage()
              + "); write e.g. [{\"key\":\"nvidia.com/gpu\",\"operator\":\"Exists\","
              + "\"effect\":\"NoSchedule\"}]",
          e);
    }
  }

  private static long number(String variable, String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(variable + ": '" + value + "' is not a whole number", e);
    }
  }
}
