package dev.armory.operator.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.operator.MockCluster;
import dev.armory.operator.OperatorConfig;
import dev.armory.operator.deploy.StrictManifests.Parsed;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * What `helm template` renders from helm/armory (the build lints and renders it first, see
 * .ci/helm.sh), parsed strictly into Fabric8 classes, with the fields that matter checked: RBAC is
 * least privilege, selectors match, references resolve, probes and env are wired, the CRD is the
 * generated one. k8s/armory.yaml must equal the default rendering.
 */
class HelmManifestsTest {

  private static final Path RENDERED = Path.of("target/helm");
  private static final Path PLAIN = Path.of("../../k8s/armory.yaml");

  @Test
  void defaultRenderingIsStrictlyValidAndWired() throws IOException {
    List<HasMetadata> objects = rendered("default.yaml");
    checkReferences(objects);

    Deployment operator = one(objects, Deployment.class, "armory-operator");
    Container c = operator.getSpec().getTemplate().getSpec().getContainers().get(0);
    Map<String, String> env = env(c);
    assertEquals("armory", env.get("ARMORY_OPERATOR_NAMESPACES"));
    assertEquals("armory/armory-trainer-cuda:0.1.0", env.get("ARMORY_TRAINER_IMAGE"));
    assertEquals("armory-artifacts", env.get("ARMORY_ARTIFACTS_CLAIM"));
    assertEquals(1, operator.getSpec().getReplicas());
    assertEquals("/healthz", c.getLivenessProbe().getHttpGet().getPath());
    assertEquals(
        "armory-operator", operator.getSpec().getTemplate().getSpec().getServiceAccountName());

    // The operator reads these exact settings back: what the chart writes is what it runs with.
    OperatorConfig config = OperatorConfig.fromEnvironment(withConfigMap(env, objects));
    assertEquals(Set.of("armory"), config.namespaces());
    assertEquals(Map.of("nvidia.com/gpu.present", "true"), config.gpuNodeSelector());
    assertEquals("nvidia.com/gpu", config.gpuTolerations().get(0).getKey());
    assertEquals("armory-kafka-bootstrap.kafka:9092", config.kafkaBootstrapServers());
    assertEquals("/var/lib/armory", config.storeRoot());
    assertEquals("armory", config.requestsNamespace());

    Role role = one(objects, Role.class, "armory-operator");
    assertLeastPrivilege(role.getRules());
    RoleBinding binding = one(objects, RoleBinding.class, "armory-operator");
    assertEquals("armory-operator", binding.getSubjects().get(0).getName());
    assertTrue(
        objects.stream().noneMatch(o -> o instanceof ClusterRole), "no ClusterRole by default");
    assertEquals(
        Boolean.FALSE,
        one(objects, ServiceAccount.class, "armory-trainer").getAutomountServiceAccountToken());

    Deployment inference = one(objects, Deployment.class, "armory-inference");
    Container ic = inference.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertEquals(50051, ic.getReadinessProbe().getGrpc().getPort());
    assertEquals(50051, ic.getLivenessProbe().getGrpc().getPort());
    assertEquals("/var/lib/armory/models/base", env(ic).get("ARMORY_INFERENCE_MODEL_DIR"));
    assertEquals(
        "grpc",
        one(objects, Service.class, "armory-inference").getSpec().getPorts().get(0).getName());

    Container judge =
        one(objects, Deployment.class, "armory-judge")
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);
    assertEquals("armory-inference:50051", env(judge).get("ARMORY_JUDGE_INFERENCE_TARGET"));

    PersistentVolumeClaim pvc = one(objects, PersistentVolumeClaim.class, "armory-artifacts");
    assertEquals(List.of("ReadWriteMany"), pvc.getSpec().getAccessModes());
    assertEquals("keep", pvc.getMetadata().getAnnotations().get("helm.sh/resource-policy"));

    CustomResourceDefinition crd =
        one(objects, CustomResourceDefinition.class, "tuningruns.armory.dev");
    assertTrue(
        MockCluster.generatedCrd().getSpec().equals(crd.getSpec()),
        "the chart ships the generated CRD (refresh helm/armory/crds with CrdCopiesTest"
            + " -Darmory.updateCrds=true)");
  }

  @Test
  void everythingOnRenderingUsesClusterRbacAndAServiceMonitor() throws IOException {
    List<HasMetadata> objects = rendered("all-on.yaml");
    checkReferences(objects);
    assertTrue(objects.stream().noneMatch(o -> o instanceof Role), "no Role when watching all");
    assertLeastPrivilege(one(objects, ClusterRole.class, "armory-operator").getRules());
    Map<String, String> env =
        env(
            one(objects, Deployment.class, "armory-operator")
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0));
    assertEquals("", env.get("ARMORY_OPERATOR_NAMESPACES"), "empty = all namespaces");
    Set<String> trainerAccounts =
        objects.stream()
            .filter(
                o ->
                    o instanceof ServiceAccount
                        && "armory-trainer".equals(o.getMetadata().getName()))
            .map(o -> o.getMetadata().getNamespace())
            .collect(Collectors.toSet());
    assertEquals(Set.of("armory", "research"), trainerAccounts);
    GenericKubernetesResource monitor =
        objects.stream()
            .filter(o -> "ServiceMonitor".equals(o.getKind()))
            .map(GenericKubernetesResource.class::cast)
            .findFirst()
            .orElseThrow();
    assertEquals("monitoring.coreos.com/v1", monitor.getApiVersion());
    assertEquals("prometheus", monitor.getMetadata().getLabels().get("release"));
    @SuppressWarnings("unchecked")
    Map<String, Object> selector =
        (Map<String, Object>)
            ((Map<String, Object>) monitor.getAdditionalProperties().get("spec")).get("selector");
    @SuppressWarnings("unchecked")
    Map<String, String> match = (Map<String, String>) selector.get("matchLabels");
    List<String> scraped =
        objects.stream()
            .filter(o -> o instanceof Service)
            .filter(o -> o.getMetadata().getLabels().entrySet().containsAll(match.entrySet()))
            .map(o -> o.getMetadata().getName())
            .toList();
    assertEquals(List.of("armory-inference"), scraped, "only services serving /prometheus");
    Container judge =
        one(objects, Deployment.class, "armory-judge")
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);
    assertTrue(
        judge.getEnvFrom().stream()
            .anyMatch(
                f ->
                    f.getSecretRef() != null
                        && "judge-api-keys".equals(f.getSecretRef().getName())),
        "the external judge's key secret is offered to the judge");
  }

  @Test
  void plainManifestsInK8sAreTheDefaultRendering() throws IOException {
    String plain = Files.readString(rendered().resolve("plain.yaml"));
    String header =
        "# Generated from helm/armory with chart defaults (release armory, namespace armory):\n"
            + "#   helm template armory helm/armory --namespace armory\n"
            + "# Apply k8s/namespace.yaml and k8s/crds/ first. Do not edit: HelmManifestsTest"
            + " checks it;\n"
            + "# refresh with mvn -B test -pl services/operator -Dtest=HelmManifestsTest"
            + " -Darmory.updateManifests=true\n";
    if (Boolean.getBoolean("armory.updateManifests")) {
      Files.writeString(PLAIN, header + plain);
      System.out.println("HelmManifestsTest: wrote " + PLAIN.normalize());
    }
    String committed = Files.exists(PLAIN) ? Files.readString(PLAIN) : "<missing>";
    assertTrue(
        committed.equals(header + plain),
        PLAIN.normalize()
            + " differs from the chart's default rendering; refresh it with: mvn -B test -pl"
            + " services/operator -Dtest=HelmManifestsTest -Darmory.updateManifests=true");
  }

  @Test
  void strictParsingRejectsAFieldTheModelDoesNotKnow() {
    String bad =
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n"
            + "spec:\n  replicas: 1\n  selector: {matchLabels: {a: b}}\n"
            + "  template:\n    metadata: {labels: {a: b}}\n"
            + "    spec:\n      containers:\n        - name: c\n          image: i\n"
            + "          livenessprobe: {}\n";
    AssertionError e = assertThrows(AssertionError.class, () -> StrictManifests.parse(bad, "bad"));
    assertTrue(e.getMessage().contains("livenessprobe"), e.getMessage());
  }

  // ---- helpers ----

  private static Path rendered() {
    Path unavailable = RENDERED.resolve("unavailable.txt");
    if (Files.exists(unavailable)) {
      String why = readQuietly(unavailable);
      System.out.println("HelmManifestsTest skipped: no helm binary (" + why + ")");
      Assumptions.abort("no helm binary: " + why);
    }
    if (!Files.exists(RENDERED.resolve("default.yaml"))) {
      String why = "target/helm is empty: run the tests through Maven (.ci/helm.sh renders it)";
      System.out.println("HelmManifestsTest skipped: " + why);
      Assumptions.abort(why);
    }
    return RENDERED;
  }

  private static List<HasMetadata> rendered(String file) throws IOException {
    Path path = rendered().resolve(file);
    List<Parsed> parsed = StrictManifests.parse(Files.readString(path), path.toString());
    assertFalse(parsed.isEmpty(), path + " renders nothing");
    return parsed.stream().map(Parsed::object).toList();
  }

  private static <T extends HasMetadata> T one(
      List<HasMetadata> objects, Class<T> type, String name) {
    List<T> found =
        objects.stream()
            .filter(type::isInstance)
            .map(type::cast)
            .filter(o -> name.equals(o.getMetadata().getName()))
            .toList();
    assertEquals(1, found.size(), type.getSimpleName() + " " + name + " rendered once");
    return found.get(0);
  }

  private static Map<String, String> env(Container c) {
    Map<String, String> env = new HashMap<>();
    for (EnvVar e : c.getEnv()) {
      env.put(e.getName(), e.getValue() == null ? "" : e.getValue());
    }
    return env;
  }

  private static Map<String, String> withConfigMap(
      Map<String, String> env, List<HasMetadata> objects) {
    Map<String, String> all =
        new HashMap<>(one(objects, ConfigMap.class, "armory-config").getData());
    all.putAll(env);
    return all;
  }

  /** Named resources and verbs only: no wildcards, no secrets, nothing cluster-scoped. */
  private static void assertLeastPrivilege(List<PolicyRule> rules) {
    Map<String, Set<String>> granted = new HashMap<>();
    for (PolicyRule rule : rules) {
      assertFalse(rule.getVerbs().contains("*"), "wildcard verb in " + rule);
      for (String resource : rule.getResources()) {
        assertFalse(resource.contains("*"), "wildcard resource in " + rule);
        granted.computeIfAbsent(resource, r -> new java.util.TreeSet<>()).addAll(rule.getVerbs());
      }
    }
    assertEquals(
        Map.of(
            "tuningruns", Set.of("get", "list", "watch", "create", "patch", "update"),
            "tuningruns/status", Set.of("get", "patch", "update"),
            "jobs", Set.of("get", "list", "watch", "create", "patch", "delete"),
            "pods", Set.of("get", "list", "watch")),
        granted);
  }

  /** Selectors select, and every ConfigMap, claim and service account a pod uses is rendered. */
  private static void checkReferences(List<HasMetadata> objects) {
    Set<String> configMaps = names(objects, ConfigMap.class);
    Set<String> claims = names(objects, PersistentVolumeClaim.class);
    Set<String> accounts = names(objects, ServiceAccount.class);
    List<Deployment> deployments =
        objects.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast).toList();
    assertEquals(5, deployments.size(), "operator, inference, ingestion, exporter, judge");
    for (Deployment d : deployments) {
      String where = "Deployment " + d.getMetadata().getName();
      Map<String, String> labels = d.getSpec().getTemplate().getMetadata().getLabels();
      assertTrue(
          labels.entrySet().containsAll(d.getSpec().getSelector().getMatchLabels().entrySet()),
          where + ": selector matches the pod labels");
      PodSpec pod = d.getSpec().getTemplate().getSpec();
      if (pod.getServiceAccountName() != null) {
        assertTrue(accounts.contains(pod.getServiceAccountName()), where + ": service account");
      }
      pod.getVolumes().stream()
          .filter(v -> v.getPersistentVolumeClaim() != null)
          .forEach(
              v ->
                  assertTrue(
                      claims.contains(v.getPersistentVolumeClaim().getClaimName()),
                      where + ": claim"));
      for (Container c : pod.getContainers()) {
        assertNotNull(c.getResources().getRequests(), where + ": resource requests");
        c.getEnvFrom().stream()
            .filter(f -> f.getConfigMapRef() != null)
            .forEach(
                f ->
                    assertTrue(
                        configMaps.contains(f.getConfigMapRef().getName()), where + ": ConfigMap"));
      }
    }
    for (HasMetadata o : objects) {
      if (o instanceof Service s) {
        boolean selects =
            deployments.stream()
                .anyMatch(
                    d ->
                        d.getSpec()
                            .getTemplate()
                            .getMetadata()
                            .getLabels()
                            .entrySet()
                            .containsAll(s.getSpec().getSelector().entrySet()));
        assertTrue(
            selects, "Service " + s.getMetadata().getName() + " selects a Deployment's pods");
      }
    }
  }

  private static Set<String> names(List<HasMetadata> objects, Class<? extends HasMetadata> type) {
    return objects.stream()
        .filter(type::isInstance)
        .map(o -> o.getMetadata().getName())
        .collect(Collectors.toSet());
  }

  private static String readQuietly(Path p) {
    try {
      return Files.readString(p).trim();
    } catch (IOException e) {
      return e.toString();
    }
  }
}
