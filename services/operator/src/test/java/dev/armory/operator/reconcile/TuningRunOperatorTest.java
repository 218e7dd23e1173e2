package dev.armory.operator.reconcile;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.operator.ArmoryOperator;
import dev.armory.operator.MockCluster;
import dev.armory.operator.OperatorConfig;
import dev.armory.operator.crd.TuningRun;
import dev.armory.operator.crd.TuningRunSpec;
import dev.armory.operator.crd.TuningRunStatus;
import dev.armory.operator.crd.TuningRunStatus.Phase;
import dev.armory.operator.model.TrainingReport;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real JOSDK operator against Fabric8's mock API server in CRUD mode. The mock runs no
 * controllers, so the tests write Job and pod status the way the Job controller and the kubelet
 * would, and check what the operator makes of it.
 */
class TuningRunOperatorTest {

  private static final String NS = "armory";
  private static final Path EXAMPLE = Path.of("../../k8s/examples/tuningrun-qlora.yaml");
  private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
  private static final AtomicInteger NAMES = new AtomicInteger();

  private static MockCluster cluster;
  private static KubernetesClient client;
  private static ArmoryOperator operator;

  @BeforeAll
  static void start() {
    cluster = new MockCluster();
    client = cluster.client();
    OperatorConfig config =
        OperatorConfig.fromEnvironment(
            Map.of(
                "ARMORY_KAFKA_BOOTSTRAP_SERVERS", "kafka-bootstrap.kafka:9092",
                // Passed on to training pods; the Kafka side has its own test on a real broker.
                "ARMORY_OPERATOR_CONSUME_EVENTS", "false",
                "ARMORY_TRAINER_IMAGE", "registry.example/armory-trainer-cuda:test"));
    operator = ArmoryOperator.start(client, config, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void exampleRunBecomesGpuJobWithEnvOwnerAndResources() throws Exception {
    TuningRun run = example(fresh("qlora"));
    TuningRun created = client.resource(run).create();

    Job job = awaitJob(created);
    var pod = job.getSpec().getTemplate().getSpec();
    var container = pod.getContainers().get(0);

    assertEquals(List.of("armory"), container.getCommand());
    assertEquals(
        List.of("train-worker", "--run-id", created.getMetadata().getName()), container.getArgs());
    assertEquals("registry.example/armory-trainer-cuda:test", container.getImage());
    assertEquals("true", pod.getNodeSelector().get("nvidia.com/gpu.present"));
    assertEquals("NVIDIA-A10G", pod.getNodeSelector().get("nvidia.com/gpu.product"));
    assertTrue(
        pod.getTolerations().stream()
            .anyMatch(
                t ->
                    "nvidia.com/gpu".equals(t.getKey())
                        && "Exists".equals(t.getOperator())
                        && "NoSchedule".equals(t.getEffect())),
        "GPU toleration: " + pod.getTolerations());
    assertTrue(
        pod.getTolerations().stream().anyMatch(t -> "dedicated".equals(t.getKey())),
        "the spec's toleration is added: " + pod.getTolerations());
    assertEquals("armory-training", pod.getPriorityClassName());
    assertEquals(new Quantity("1"), container.getResources().getLimits().get("nvidia.com/gpu"));
    assertEquals(new Quantity("32Gi"), container.getResources().getLimits().get("memory"));
    assertEquals(new Quantity("4"), container.getResources().getRequests().get("cpu"));

    Map<String, String> env =
        container.getEnv().stream()
            .filter(e -> e.getValue() != null)
            .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    assertEquals(created.getMetadata().getName(), env.get("ARMORY_RUN_ID"));
    assertEquals("kafka-bootstrap.kafka:9092", env.get("ARMORY_KAFKA_BOOTSTRAP_SERVERS"));
    assertEquals("cuda", env.get("ARMORY_EXECUTION_PROVIDER"));
    assertEquals("/var/lib/armory", env.get("ARMORY_STORE_ROOT"));
    var request = dev.armory.events.v1.TrainingRequested.newBuilder();
    com.google.protobuf.util.JsonFormat.parser().merge(env.get("ARMORY_TRAINING_REQUEST"), request);
    assertEquals(created.getMetadata().getName(), request.getRunId());
    assertEquals("TinyLlama-1.1B-Chat-v1.0", request.getBaseModel().getId());
    assertEquals("support-v3", request.getDataset().getId());
    assertEquals(List.of("int4"), request.getExport().getPrecisionsList());
    assertTrue(request.getPublish().getEnabled());
    assertEquals(
        "armory-artifacts",
        pod.getVolumes().stream()
            .filter(v -> v.getPersistentVolumeClaim() != null)
            .findFirst()
            .orElseThrow()
            .getPersistentVolumeClaim()
            .getClaimName());

    var owner = job.getMetadata().getOwnerReferences().get(0);
    assertEquals("TuningRun", owner.getKind());
    assertEquals("armory.dev/v1alpha1", owner.getApiVersion());
    assertEquals(created.getMetadata().getUid(), owner.getUid());
    assertEquals(Boolean.TRUE, owner.getController());
    assertEquals(2, job.getSpec().getBackoffLimit());
    assertEquals(86400L, job.getSpec().getActiveDeadlineSeconds());
    assertEquals(
        "armory-operator", job.getMetadata().getLabels().get("app.kubernetes.io/managed-by"));

    TuningRunStatus status = awaitStatus(created, s -> s.phase() == Phase.QUEUED);
    assertEquals("JobCreated", status.reason());
    assertEquals(created.getMetadata().getGeneration(), status.observedGeneration());
    assertEquals(job.getMetadata().getName(), status.jobName());
    assertEquals("True", condition(status, "SpecValid").getStatus());
    assertEquals("False", condition(status, "Complete").getStatus());
  }

  @Test
  void reconcilingAgainCreatesNoSecondJob() {
    TuningRun created = client.resource(example(fresh("twice"))).create();
    awaitJob(created);

    // A change to a pod-level field bumps the generation and reconciles the run again.
    TuningRun edited =
        editRun(created.getMetadata().getName(), r -> withSpec(r, spec(r.getSpec(), null, 4)));
    awaitStatus(edited, s -> s.observedGeneration() == 2L);

    List<Job> jobs = jobsOf(created);
    assertEquals(1, jobs.size(), "one Job after two reconciles: " + jobs);
  }

  @Test
  void runningPodThenCompletedJobMeansSucceeded() {
    TuningRun created = client.resource(example(fresh("ok"))).create();
    Job job = awaitJob(created);

    createPod(job, "Running", null);
    awaitStatus(created, s -> s.phase() == Phase.RUNNING);

    operator
        .reports()
        .record(
            new TrainingReport(
                created.getMetadata().getName(),
                TrainingReport.Kind.PROGRESS,
                120,
                480,
                1.25,
                1.5,
                2048.0,
                600.0,
                NOW,
                null,
                null));
    TuningRunStatus progress = awaitStatus(created, s -> Long.valueOf(120).equals(s.step()));
    assertEquals(480L, progress.totalSteps());
    assertEquals(25.0, progress.progressPercent());
    assertEquals(1.25, progress.loss());
    assertEquals(1.5, progress.evalLoss());
    assertEquals(2048.0, progress.tokensPerSecond());
    assertEquals(NOW.plusSeconds(600).toString(), progress.estimatedCompletionTime());

    setJobStatus(job, "Complete", "CompletionsReached", "Job completed");
    TuningRunStatus done = awaitStatus(created, s -> s.phase() == Phase.SUCCEEDED);
    assertEquals("Succeeded", done.reason());
    assertEquals(100.0, done.progressPercent());
    assertNotNull(done.completionTime());
    assertNull(done.estimatedCompletionTime());
    assertEquals("adapters/" + created.getMetadata().getName(), done.artifacts().adapter());
    assertEquals("True", condition(done, "Complete").getStatus());
  }

  @Test
  void oomKilledPodAndFailedJobMeansFailedWithReason() {
    TuningRun created = client.resource(example(fresh("oom"))).create();
    Job job = awaitJob(created);

    createPod(job, "Failed", "OOMKilled");
    setJobStatus(
        job, "Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit");

    // The pod's informer event may come after the Job's; the status converges once both are seen.
    TuningRunStatus failed = awaitStatus(created, s -> "OOMKilled".equals(s.reason()));
    assertEquals(Phase.FAILED, failed.phase());
    assertTrue(failed.message().contains("32Gi"), failed.message());
    assertTrue(failed.message().contains("spec.resources.memory"), failed.message());
    assertEquals("OOMKilled", condition(failed, "Complete").getReason());
  }

  @Test
  void backoffLimitWithoutOomNamesTheLastExit() {
    TuningRun created = client.resource(example(fresh("crash"))).create();
    Job job = awaitJob(created);

    createPod(job, "Failed", "Error");
    setJobStatus(
        job, "Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit");

    TuningRunStatus failed =
        awaitStatus(created, s -> s.message() != null && s.message().contains("last exit"));
    assertEquals(Phase.FAILED, failed.phase());
    assertEquals("BackoffLimitExceeded", failed.reason());
    assertTrue(failed.message().contains("last exit: code 1 (Error)"), failed.message());
  }

  @Test
  void unschedulablePodIsQueuedWithTheSchedulersMessage() {
    TuningRun created = client.resource(example(fresh("nogpu"))).create();
    Job job = awaitJob(created);

    Pod pod = podFor(job, "Pending", null);
    pod.getStatus()
        .getConditions()
        .add(
            new io.fabric8.kubernetes.api.model.PodConditionBuilder()
                .withType("PodScheduled")
                .withStatus("False")
                .withReason("Unschedulable")
                .withMessage("0/3 nodes are available: 3 Insufficient nvidia.com/gpu.")
                .build());
    client.resource(pod).create();

    TuningRunStatus queued = awaitStatus(created, s -> "Unschedulable".equals(s.reason()));
    assertEquals(Phase.QUEUED, queued.phase());
    assertTrue(queued.message().contains("Insufficient nvidia.com/gpu"), queued.message());
    assertEquals("False", condition(queued, "Scheduled").getStatus());
  }

  @Test
  void suspendedRunStartsNoJobUntilResumed() {
    TuningRun run = example(fresh("later"));
    withSpec(run, spec(run.getSpec(), true, null));
    TuningRun created = client.resource(run).create();

    awaitStatus(created, s -> s.phase() == Phase.SUSPENDED);
    assertTrue(jobsOf(created).isEmpty(), "no Job while suspended");

    editRun(created.getMetadata().getName(), r -> withSpec(r, spec(r.getSpec(), false, null)));
    Job job = awaitJob(created);
    assertEquals(Boolean.FALSE, job.getSpec().getSuspend());
  }

  @Test
  void suspendingARunningRunSuspendsItsJobAndResumingUnsuspendsIt() {
    TuningRun created = client.resource(example(fresh("pause"))).create();
    Job job = awaitJob(created);

    editRun(created.getMetadata().getName(), r -> withSpec(r, spec(r.getSpec(), true, null)));
    await().until(() -> Boolean.TRUE.equals(currentJob(job).getSpec().getSuspend()));
    awaitStatus(created, s -> s.phase() == Phase.SUSPENDED);

    editRun(created.getMetadata().getName(), r -> withSpec(r, spec(r.getSpec(), false, null)));
    await().until(() -> Boolean.FALSE.equals(currentJob(job).getSpec().getSuspend()));
    awaitStatus(created, s -> s.phase() == Phase.QUEUED);
    assertEquals(1, jobsOf(created).size(), "the same Job resumes; no second one");
  }

  @Test
  void invalidSpecFailsWithTheFieldNamedAndStartsNoJob() {
    TuningRun run = example(fresh("bad"));
    TuningRunSpec s = run.getSpec();
    var h = s.hyperparameters();
    withSpec(
        run,
        new TuningRunSpec(
            null,
            s.dataset(),
            s.method(),
            s.adapter(),
            s.objective(),
            new TuningRunSpec.Hyperparameters(
                -0.1,
                h.epochs(),
                h.maxSteps(),
                h.microBatchSize(),
                h.gradientAccumulationSteps(),
                h.maxSeqLen(),
                h.warmupSteps(),
                h.warmupRatio(),
                h.lrSchedule(),
                h.weightDecay(),
                h.maxGradNorm(),
                h.packing(),
                h.saveEverySteps(),
                h.evalEverySteps(),
                h.seed(),
                h.dpoBeta(),
                h.dpoLabelSmoothing()),
            s.eval(),
            s.resources(),
            s.scheduling(),
            s.export(),
            s.publishToInference(),
            s.suspend(),
            s.runId(),
            s.image(),
            s.backoffLimit(),
            s.activeDeadlineSeconds()));
    TuningRun created = client.resource(run).create();

    TuningRunStatus failed = awaitStatus(created, st -> st.phase() == Phase.FAILED);
    assertEquals("InvalidSpec", failed.reason());
    assertTrue(failed.message().contains("spec.baseModel: missing"), failed.message());
    assertTrue(
        failed.message().contains("spec.hyperparameters.learningRate: must be in (0, 1], got -0.1"),
        failed.message());
    assertEquals("False", condition(failed, "SpecValid").getStatus());
    assertTrue(jobsOf(created).isEmpty());
  }

  @Test
  void changingATrainingFieldOfAStartedRunIsRejectedAndTheJobKept() {
    TuningRun created = client.resource(example(fresh("immutable"))).create();
    Job job = awaitJob(created);

    editRun(
        created.getMetadata().getName(),
        r -> {
          TuningRunSpec s = r.getSpec();
          return withSpec(
              r,
              new TuningRunSpec(
                  s.baseModel(),
                  TuningRunSpec.ArtifactRef.id("other"),
                  s.method(),
                  s.adapter(),
                  s.objective(),
                  s.hyperparameters(),
                  s.eval(),
                  s.resources(),
                  s.scheduling(),
                  s.export(),
                  s.publishToInference(),
                  s.suspend(),
                  s.runId(),
                  s.image(),
                  s.backoffLimit(),
                  s.activeDeadlineSeconds()));
        });
    TuningRunStatus status =
        awaitStatus(
            created, s -> "SpecChangeRejected".equals(condition(s, "SpecValid").getReason()));
    assertEquals(2L, status.observedGeneration());
    assertEquals(job.getMetadata().getUid(), jobsOf(created).get(0).getMetadata().getUid());
  }

  @Test
  void deletingTheRunLeavesTheJobToGarbageCollectionThroughItsOwnerReference() {
    TuningRun created = client.resource(example(fresh("gone"))).create();
    Job job = awaitJob(created);
    var owner = job.getMetadata().getOwnerReferences().get(0);
    assertEquals(Boolean.TRUE, owner.getBlockOwnerDeletion());

    client.resource(created).delete();
    await()
        .until(
            () ->
                client
                        .resources(TuningRun.class)
                        .inNamespace(NS)
                        .withName(created.getMetadata().getName())
                        .get()
                    == null);
    // The mock has no garbage collector; play it: delete what the deleted owner controlled.
    client.batch().v1().jobs().inNamespace(NS).list().getItems().stream()
        .filter(
            j ->
                j.getMetadata().getOwnerReferences().stream()
                    .anyMatch(o -> o.getUid().equals(created.getMetadata().getUid())))
        .forEach(j -> client.resource(j).delete());
    await().until(() -> jobsOf(created).isEmpty());
    // Nothing recreates it: the operator does not reconcile a run that no longer exists.
    assertTrue(jobsOf(created).isEmpty());
  }

  // ---- helpers ----

  private static String fresh(String prefix) {
    return prefix + "-" + NAMES.incrementAndGet();
  }

  private static TuningRun example(String name) {
    try {
      TuningRun run =
          new KubernetesSerialization().unmarshal(Files.readString(EXAMPLE), TuningRun.class);
      run.getMetadata().setName(name);
      run.getMetadata().setNamespace(NS);
      return run;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Edits the run like kubectl edit: read, change, write with the read resourceVersion, and on a
   * conflict (the operator wrote the status in between) read again.
   */
  private static TuningRun editRun(
      String name, java.util.function.UnaryOperator<TuningRun> change) {
    for (int attempt = 1; ; attempt++) {
      TuningRun current = client.resources(TuningRun.class).inNamespace(NS).withName(name).get();
      try {
        return client.resource(change.apply(current)).update();
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 10) {
          throw e;
        }
      }
    }
  }

  private static TuningRun withSpec(TuningRun run, TuningRunSpec spec) {
    run.setSpec(spec);
    return run;
  }

  /**
   * The spec with suspend and/or microBatch... replaced: suspend when non-null, backoff when
   * non-null.
   */
  private static TuningRunSpec spec(TuningRunSpec s, Boolean suspend, Integer backoffLimit) {
    return new TuningRunSpec(
        s.baseModel(),
        s.dataset(),
        s.method(),
        s.adapter(),
        s.objective(),
        s.hyperparameters(),
        s.eval(),
        s.resources(),
        s.scheduling(),
        s.export(),
        s.publishToInference(),
        suspend != null ? suspend : s.suspend(),
        s.runId(),
        s.image(),
        backoffLimit != null ? backoffLimit : s.backoffLimit(),
        s.activeDeadlineSeconds());
  }

  private static Job awaitJob(TuningRun run) {
    await().atMost(Duration.ofSeconds(10)).until(() -> !jobsOf(run).isEmpty());
    return jobsOf(run).get(0);
  }

  private static List<Job> jobsOf(TuningRun run) {
    return client
        .batch()
        .v1()
        .jobs()
        .inNamespace(NS)
        .withLabel("armory.dev/tuningrun", run.getMetadata().getName())
        .list()
        .getItems();
  }

  private static Job currentJob(Job job) {
    return client.batch().v1().jobs().inNamespace(NS).withName(job.getMetadata().getName()).get();
  }

  private static TuningRunStatus awaitStatus(TuningRun run, Predicate<TuningRunStatus> p) {
    TuningRunStatus[] last = new TuningRunStatus[1];
    await()
        .atMost(Duration.ofSeconds(10))
        .alias("status of " + run.getMetadata().getName())
        .until(
            () -> {
              TuningRun current =
                  client
                      .resources(TuningRun.class)
                      .inNamespace(NS)
                      .withName(run.getMetadata().getName())
                      .get();
              last[0] = current == null ? null : current.getStatus();
              return last[0] != null && p.test(last[0]);
            });
    return last[0];
  }

  private static Condition condition(TuningRunStatus status, String type) {
    return status.conditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("no condition " + type + " in " + status.conditions()));
  }

  private static Pod podFor(Job job, String phase, String terminatedReason) {
    var template = job.getSpec().getTemplate();
    PodBuilder b =
        new PodBuilder()
            .withNewMetadata()
            .withName(job.getMetadata().getName() + "-" + NAMES.incrementAndGet())
            .withNamespace(NS)
            .withLabels(template.getMetadata().getLabels())
            .withAnnotations(template.getMetadata().getAnnotations())
            .withCreationTimestamp(NOW.toString())
            .endMetadata()
            .withSpec(template.getSpec())
            .withNewStatus()
            .withPhase(phase)
            .withConditions(new java.util.ArrayList<>())
            .endStatus();
    Pod pod = b.build();
    if (terminatedReason != null) {
      pod.getStatus()
          .setContainerStatuses(
              List.of(
                  new io.fabric8.kubernetes.api.model.ContainerStatusBuilder()
                      .withName("trainer")
                      .withImage(template.getSpec().getContainers().get(0).getImage())
                      .withNewState()
                      .withNewTerminated()
                      .withExitCode("OOMKilled".equals(terminatedReason) ? 137 : 1)
                      .withReason(terminatedReason)
                      .endTerminated()
                      .endState()
                      .build()));
    }
    if ("Running".equals(phase)) {
      pod.getSpec().setNodeName("gpu-node-1");
      pod.getStatus()
          .getConditions()
          .add(
              new io.fabric8.kubernetes.api.model.PodConditionBuilder()
                  .withType("PodScheduled")
                  .withStatus("True")
                  .build());
    }
    return pod;
  }

  private static void createPod(Job job, String phase, String terminatedReason) {
    client.resource(podFor(job, phase, terminatedReason)).create();
  }

  private static void setJobStatus(Job job, String type, String reason, String message) {
    Job current = currentJob(job);
    current.setStatus(
        new JobStatusBuilder()
            .withStartTime(NOW.minusSeconds(3600).toString())
            .withCompletionTime("Complete".equals(type) ? NOW.toString() : null)
            .withFailed("Failed".equals(type) ? 3 : 0)
            .withSucceeded("Complete".equals(type) ? 1 : 0)
            .withConditions(
                new JobConditionBuilder()
                    .withType(type)
                    .withStatus("True")
                    .withReason(reason)
                    .withMessage(message)
                    .withLastTransitionTime(NOW.toString())
                    .build())
            .build());
    client.resource(current).updateStatus();
  }
}
