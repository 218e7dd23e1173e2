package dev.armory.operator.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.operator.OperatorConfig;
import dev.armory.operator.crd.TuningRun;
import dev.armory.operator.crd.TuningRunSpec;
import dev.armory.operator.crd.TuningRunSpec.ArtifactRef;
import dev.armory.operator.crd.TuningRunSpec.ResourcesSpec;
import dev.armory.operator.crd.TuningRunSpec.SchedulingSpec;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Job built for a run, with no cluster. */
class TrainingJobModelTest {

  private static final OperatorConfig CONFIG = OperatorConfig.defaults();

  @Test
  void defaultRunAsksForOneGpuOnAGpuNodeWithCudaSelected() {
    Job job = TrainingJobModel.from(Runs.minimal("r1"), CONFIG);
    PodSpec pod = job.getSpec().getTemplate().getSpec();
    assertEquals("r1-train", job.getMetadata().getName());
    assertEquals(Map.of("nvidia.com/gpu.present", "true"), pod.getNodeSelector());
    assertEquals("nvidia.com/gpu", pod.getTolerations().get(0).getKey());
    assertEquals(
        new Quantity("1"),
        pod.getContainers().get(0).getResources().getLimits().get("nvidia.com/gpu"));
    assertEquals("cuda", env(job, "ARMORY_EXECUTION_PROVIDER"));
    assertEquals("Never", pod.getRestartPolicy());
    assertEquals(2, job.getSpec().getBackoffLimit(), "operator default");
    assertEquals(172800L, job.getSpec().getActiveDeadlineSeconds(), "operator default");
    assertEquals(
        "r1",
        job.getSpec()
            .getTemplate()
            .getMetadata()
            .getAnnotations()
            .get(RunNames.ANNOTATION_TUNINGRUN));
    assertNull(env(job, "ARMORY_KAFKA_BOOTSTRAP_SERVERS"), "no Kafka configured, none passed");
    var rules = job.getSpec().getPodFailurePolicy().getRules();
    assertEquals("FailJob", rules.get(0).getAction());
    assertEquals(java.util.List.of(1), rules.get(0).getOnExitCodes().getValues());
    assertEquals("Ignore", rules.get(1).getAction());
    assertEquals(java.util.List.of(2), rules.get(1).getOnExitCodes().getValues());
    assertEquals("DisruptionTarget", rules.get(2).getOnPodConditions().get(0).getType());
  }

  @Test
  void zeroGpusRunsOnCpuWithoutGpuScheduling() {
    Job job =
        TrainingJobModel.from(
            Runs.run("cpu", new ResourcesSpec(0, null, null, new Quantity("4Gi")), null), CONFIG);
    PodSpec pod = job.getSpec().getTemplate().getSpec();
    assertTrue(pod.getNodeSelector().isEmpty(), String.valueOf(pod.getNodeSelector()));
    assertTrue(pod.getTolerations().isEmpty(), String.valueOf(pod.getTolerations()));
    var limits = pod.getContainers().get(0).getResources().getLimits();
    assertEquals(Map.of("memory", new Quantity("4Gi")), limits);
    assertEquals("cpu", env(job, "ARMORY_EXECUTION_PROVIDER"));
  }

  @Test
  void schedulingOverridesReplaceTheSelectorAndAddTolerationsAffinityAndPriority() {
    var affinity =
        new AffinityBuilder()
            .withNewNodeAffinity()
            .withNewRequiredDuringSchedulingIgnoredDuringExecution()
            .addNewNodeSelectorTerm()
            .addNewMatchExpression()
            .withKey("topology.kubernetes.io/zone")
            .withOperator("In")
            .withValues("eu-west-1a")
            .endMatchExpression()
            .endNodeSelectorTerm()
            .endRequiredDuringSchedulingIgnoredDuringExecution()
            .endNodeAffinity()
            .build();
    var toleration =
        new io.fabric8.kubernetes.api.model.Toleration("NoSchedule", "team", "Equal", null, "ml");
    TuningRun run =
        Runs.run(
            "sched",
            new ResourcesSpec(2, "NVIDIA-H100-80GB-HBM3", null, null),
            new SchedulingSpec(
                Map.of("pool", "h100"), java.util.List.of(toleration), affinity, "training-high"));
    PodSpec pod = TrainingJobModel.from(run, CONFIG).getSpec().getTemplate().getSpec();
    assertEquals(
        Map.of("pool", "h100", "nvidia.com/gpu.product", "NVIDIA-H100-80GB-HBM3"),
        pod.getNodeSelector());
    assertEquals(2, pod.getTolerations().size());
    assertEquals("team", pod.getTolerations().get(1).getKey());
    assertEquals(affinity, pod.getAffinity());
    assertEquals("training-high", pod.getPriorityClassName());
    assertEquals(
        new Quantity("2"),
        pod.getContainers().get(0).getResources().getRequests().get("nvidia.com/gpu"));
  }

  @Test
  void configuredGpuLabelsTolerationsAndResourceNameAreUsed() {
    OperatorConfig config =
        OperatorConfig.fromEnvironment(
            Map.of(
                "ARMORY_GPU_NODE_SELECTOR", "accelerator=nvidia, cloud.example/gpu=true",
                "ARMORY_GPU_TOLERATIONS",
                    "[{\"key\":\"gpu\",\"operator\":\"Equal\",\"value\":\"yes\",\"effect\":\"NoExecute\"}]",
                "ARMORY_GPU_RESOURCE", "amd.com/gpu",
                "ARMORY_STORE_ROOT", "/data/armory",
                "ARMORY_KAFKA_BOOTSTRAP_SERVERS", "k:9092"));
    Job job = TrainingJobModel.from(Runs.minimal("conf"), config);
    PodSpec pod = job.getSpec().getTemplate().getSpec();
    assertEquals(
        Map.of("accelerator", "nvidia", "cloud.example/gpu", "true"), pod.getNodeSelector());
    assertEquals("NoExecute", pod.getTolerations().get(0).getEffect());
    assertEquals(
        new Quantity("1"),
        pod.getContainers().get(0).getResources().getLimits().get("amd.com/gpu"));
    assertEquals(
        "/data/armory", pod.getContainers().get(0).getVolumeMounts().get(0).getMountPath());
    assertEquals("/data/armory", env(job, "ARMORY_STORE_ROOT"));
    assertEquals("k:9092", env(job, "ARMORY_KAFKA_BOOTSTRAP_SERVERS"));
  }

  @Test
  void longNamesStayWithinLabelLimitsAndRunIdComesFromTheSpec() {
    String longName = "a-very-long-tuning-run-name-that-goes-on-and-on-past-sixty-three-characters";
    TuningRun run = Runs.minimal(longName);
    TuningRunSpec s = run.getSpec();
    run.setSpec(
        new TuningRunSpec(
            s.baseModel(),
            s.dataset(),
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            "Run_2026.01/42",
            null,
            null,
            null));
    Job job = TrainingJobModel.from(run, CONFIG);
    assertTrue(job.getMetadata().getName().length() <= 63, job.getMetadata().getName());
    assertTrue(job.getMetadata().getName().endsWith("-train"));
    job.getMetadata()
        .getLabels()
        .values()
        .forEach(
            v ->
                assertTrue(
                    v.length() <= 63 && v.matches("[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?"), v));
    assertEquals(
        "Run_2026.01/42", job.getMetadata().getAnnotations().get(RunNames.ANNOTATION_RUN_ID));
    assertEquals("Run_2026.01/42", env(job, "ARMORY_RUN_ID"));
    assertEquals(
        java.util.List.of("train-worker", "--run-id", "Run_2026.01/42"),
        job.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs());
  }

  @Test
  void trainingSpecHashIgnoresPodLevelFieldsButNotTrainingFields() {
    TuningRunSpec a = Runs.minimal("h").getSpec();
    TuningRunSpec podChange = Runs.run("h", new ResourcesSpec(4, null, null, null), null).getSpec();
    TuningRunSpec dataChange =
        new TuningRunSpec(
            a.baseModel(),
            ArtifactRef.id("other"),
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null);
    assertEquals(
        TrainingJobModel.trainingSpecHash(a), TrainingJobModel.trainingSpecHash(podChange));
    assertNotEquals(
        TrainingJobModel.trainingSpecHash(a), TrainingJobModel.trainingSpecHash(dataChange));
  }

  private static String env(Job job, String name) {
    return job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .filter(e -> name.equals(e.getName()))
        .map(EnvVar::getValue)
        .findFirst()
        .orElse(null);
  }
}
