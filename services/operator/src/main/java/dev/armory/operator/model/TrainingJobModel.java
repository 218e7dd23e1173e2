package dev.armory.operator.model;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.armory.operator.OperatorConfig;
import dev.armory.operator.crd.TuningRun;
import dev.armory.operator.crd.TuningRunSpec;
import dev.armory.operator.crd.TuningRunSpec.ResourcesSpec;
import dev.armory.operator.crd.TuningRunSpec.SchedulingSpec;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training Job a TuningRun should have, built without calling any API: the trainer image
 * running {@code armory train-worker --run-id …}, on a GPU node (node selector, nvidia.com/gpu
 * toleration and limit) unless the run asks for no GPU, with the artifact volume, Kafka bootstrap,
 * run id and execution provider in its environment, owned by the TuningRun.
 */
public final class TrainingJobModel {

  /** The worker command; it comes with the trainer service (issue #8). */
  public static final List<String> WORKER_COMMAND = List.of("armory", "train-worker");

  public static final String CONTAINER = "trainer";

  /** Exit code of {@code armory train-worker} for a failed run (TrainingFailed published). */
  public static final int EXIT_FAILED = 1;

  /** Exit code of {@code armory train-worker} stopped with a checkpoint (SIGTERM). */
  public static final int EXIT_STOPPED = 2;

  public static final String ARTIFACTS_VOLUME = "artifacts";
  public static final String GPU_PRODUCT_LABEL = "nvidia.com/gpu.product";

  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private TrainingJobModel() {}

  /** The Job for this run; {@code suspend} mirrors spec.suspend. */
  public static Job from(TuningRun run, OperatorConfig config) {
    TuningRunSpec spec = run.getSpec();
    String runId = RunNames.runId(run);
    String name = run.getMetadata().getName();
    int gpus = gpus(spec);
    Map<String, String> labels = labels(name, runId);

    return new JobBuilder()
        .withNewMetadata()
        .withName(RunNames.jobName(run))
        .withNamespace(run.getMetadata().getNamespace())
        .withLabels(labels)
        .addToAnnotations(RunNames.ANNOTATION_RUN_ID, runId)
        .addToAnnotations(RunNames.ANNOTATION_SPEC_HASH, trainingSpecHash(spec))
        .withOwnerReferences(
            new OwnerReferenceBuilder()
                .withApiVersion(run.getApiVersion())
                .withKind(run.getKind())
                .withName(name)
                .withUid(run.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build())
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(
            spec.backoffLimit() == null ? config.defaultBackoffLimit() : spec.backoffLimit())
        .withActiveDeadlineSeconds(
            spec.activeDeadlineSeconds() == null
                ? config.defaultActiveDeadlineSeconds()
                : spec.activeDeadlineSeconds())
        .withSuspend(Boolean.TRUE.equals(spec.suspend()))
        .withCompletions(1)
        .withParallelism(1)
        // `armory train-worker` exits 1 after publishing TrainingFailed (retrying repeats the
        // failure) and 2 when stopped with a checkpoint (retrying resumes); evictions and
        // preemptions do not use up backoffLimit either.
        .withNewPodFailurePolicy()
        .addNewRule()
        .withAction("FailJob")
        .withNewOnExitCodes()
        .withContainerName(CONTAINER)
        .withOperator("In")
        .withValues(EXIT_FAILED)
        .endOnExitCodes()
        .endRule()
        .addNewRule()
        .withAction("Ignore")
        .withNewOnExitCodes()
        .withContainerName(CONTAINER)
        .withOperator("In")
        .withValues(EXIT_STOPPED)
        .endOnExitCodes()
        .endRule()
        .addNewRule()
        .withAction("Ignore")
        .addNewOnPodCondition()
        .withType("DisruptionTarget")
        .withStatus("True")
        .endOnPodCondition()
        .endRule()
        .endPodFailurePolicy()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .addToAnnotations(RunNames.ANNOTATION_RUN_ID, runId)
        // Pods are owned by the Job; this annotation leads their events back to the run.
        .addToAnnotations(RunNames.ANNOTATION_TUNINGRUN, name)
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withServiceAccountName(config.trainerServiceAccount())
        // Suspend and deletion send SIGTERM; the trainer gets a minute to write a checkpoint.
        .withTerminationGracePeriodSeconds(60L)
        .withNodeSelector(nodeSelector(spec, config, gpus))
        .withTolerations(tolerations(spec, config, gpus))
        .withAffinity(spec.scheduling() == null ? null : spec.scheduling().affinity())
        .withPriorityClassName(
            spec.scheduling() == null ? null : spec.scheduling().priorityClassName())
        .addNewContainer()
        .withName(CONTAINER)
        .withImage(
            spec.image() == null || spec.image().isBlank() ? config.trainerImage() : spec.image())
        .withCommand(WORKER_COMMAND.get(0))
        .withArgs(WORKER_COMMAND.get(1), "--run-id", runId)
        .withEnv(env(run, runId, config, gpus))
        .withResources(resources(spec.resources(), config, gpus))
        .addNewVolumeMount()
        .withName(ARTIFACTS_VOLUME)
        .withMountPath(config.storeRoot())
        .endVolumeMount()
        .addNewVolumeMount()
        .withName("dshm")
        .withMountPath("/dev/shm")
        .endVolumeMount()
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withRunAsNonRoot(true)
        .endSecurityContext()
        .endContainer()
        .addNewVolume()
        .withName(ARTIFACTS_VOLUME)
        .withNewPersistentVolumeClaim()
        .withClaimName(config.artifactsClaim())
        .endPersistentVolumeClaim()
        .endVolume()
        .addNewVolume()
        .withName("dshm")
        .withNewEmptyDir()
        .withMedium("Memory")
        .endEmptyDir()
        .endVolume()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /** Labels of the Job and its pods; pods are found by {@link RunNames#LABEL_TUNINGRUN}. */
  public static Map<String, String> labels(String runName, String runId) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(RunNames.LABEL_NAME, RunNames.TRAINER);
    labels.put(RunNames.LABEL_PART_OF, "armory");
    labels.put(RunNames.LABEL_MANAGED_BY, RunNames.MANAGED_BY);
    labels.put(RunNames.LABEL_TUNINGRUN, RunNames.tuningRunLabel(runName));
    labels.put(RunNames.LABEL_RUN_ID, RunNames.runIdLabel(runId));
    return labels;
  }

  /** GPUs the run asks for (default 1). */
  public static int gpus(TuningRunSpec spec) {
    ResourcesSpec r = spec.resources();
    return r == null || r.gpus() == null ? 1 : r.gpus();
  }

  /**
   * Hash of the fields that define the training (everything but pod-level and export options); the
   * Job carries it so a change to a started run is noticed.
   */
  public static String trainingSpecHash(TuningRunSpec spec) {
    TuningRunSpec training =
        new TuningRunSpec(
            spec.baseModel(),
            spec.dataset(),
            spec.method(),
            spec.adapter(),
            spec.objective(),
            spec.hyperparameters(),
            spec.eval(),
            null,
            null,
            null,
            null,
            null,
            spec.runId(),
            null,
            null,
            null);
    return RunNames.hash(JSON.asJson(training), 16);
  }

  private static Map<String, String> nodeSelector(
      TuningRunSpec spec, OperatorConfig config, int gpus) {
    SchedulingSpec scheduling = spec.scheduling();
    Map<String, String> selector = new LinkedHashMap<>();
    if (scheduling != null && scheduling.nodeSelector() != null) {
      // An explicit selector replaces the GPU default: the user knows the cluster's labels.
      selector.putAll(scheduling.nodeSelector());
    } else if (gpus > 0) {
      selector.putAll(config.gpuNodeSelector());
    }
    if (gpus > 0 && spec.resources() != null && spec.resources().gpuType() != null) {
      selector.put(GPU_PRODUCT_LABEL, spec.resources().gpuType());
    }
    return selector;
  }

  private static List<Toleration> tolerations(TuningRunSpec spec, OperatorConfig config, int gpus) {
    List<Toleration> tolerations = new ArrayList<>();
    if (gpus > 0) {
      tolerations.addAll(config.gpuTolerations());
    }
    if (spec.scheduling() != null && spec.scheduling().tolerations() != null) {
      tolerations.addAll(spec.scheduling().tolerations());
    }
    return tolerations;
  }

  private static io.fabric8.kubernetes.api.model.ResourceRequirements resources(
      ResourcesSpec r, OperatorConfig config, int gpus) {
    Map<String, Quantity> requests = new LinkedHashMap<>();
    Map<String, Quantity> limits = new LinkedHashMap<>();
    if (gpus > 0) {
      limits.put(config.gpuResource(), new Quantity(Integer.toString(gpus)));
      requests.put(config.gpuResource(), new Quantity(Integer.toString(gpus)));
    }
    if (r != null && r.cpu() != null) {
      requests.put("cpu", r.cpu());
      limits.put("cpu", r.cpu());
    }
    if (r != null && r.memory() != null) {
      requests.put("memory", r.memory());
      limits.put("memory", r.memory());
    }
    return new ResourceRequirementsBuilder().withRequests(requests).withLimits(limits).build();
  }

  /** The run's TrainingRequested in proto3 JSON. */
  public static String requestJson(TuningRun run) {
    try {
      return JsonFormat.printer()
          .omittingInsignificantWhitespace()
          .print(TrainingRequests.toRequest(run));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("TrainingRequested cannot be printed as JSON", e);
    }
  }

  private static List<EnvVar> env(TuningRun run, String runId, OperatorConfig config, int gpus) {
    List<EnvVar> env = new ArrayList<>();
    env.add(new EnvVar("ARMORY_RUN_ID", runId, null));
    env.add(new EnvVar("ARMORY_TUNINGRUN", run.getMetadata().getName(), null));
    env.add(
        new EnvVarBuilder()
            .withName("ARMORY_NAMESPACE")
            .withNewValueFrom()
            .withNewFieldRef()
            .withFieldPath("metadata.namespace")
            .endFieldRef()
            .endValueFrom()
            .build());
    if (config.kafkaEnabled()) {
      env.add(new EnvVar("ARMORY_KAFKA_BOOTSTRAP_SERVERS", config.kafkaBootstrapServers(), null));
    }
    env.add(new EnvVar("ARMORY_STORE_ROOT", config.storeRoot(), null));
    env.add(new EnvVar("ARMORY_EXECUTION_PROVIDER", gpus > 0 ? "cuda" : "cpu", null));
    // What to train, as the TrainingRequested `armory train-worker` reads when the run's folder
    // in the store has no request yet: the pod needs nothing but its environment.
    env.add(new EnvVar("ARMORY_TRAINING_REQUEST", requestJson(run), null));
    env.add(new EnvVar("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=75", null));
    return env;
  }
}
