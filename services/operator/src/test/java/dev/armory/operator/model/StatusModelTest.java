package dev.armory.operator.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.operator.OperatorConfig;
import dev.armory.operator.crd.TuningRun;
import dev.armory.operator.crd.TuningRunSpec;
import dev.armory.operator.crd.TuningRunSpec.ExportSpec;
import dev.armory.operator.crd.TuningRunSpec.OnnxPrecision;
import dev.armory.operator.crd.TuningRunStatus;
import dev.armory.operator.crd.TuningRunStatus.Phase;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Phase, reason and message derived from observed facts, with no cluster. */
class StatusModelTest {

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  @Test
  void imagePullFailureIsQueuedWithTheImageNamed() {
    TuningRun run = Runs.minimal("pull");
    Job job = TrainingJobModel.from(run, OperatorConfig.defaults());
    Pod pod =
        pod("pull-train-x", "Pending")
            .editStatus()
            .addNewContainerStatus()
            .withName("trainer")
            .withImage("armory/armory-trainer-cuda:0.1.0")
            .withNewState()
            .withNewWaiting()
            .withReason("ImagePullBackOff")
            .withMessage("Back-off pulling image")
            .endWaiting()
            .endState()
            .endContainerStatus()
            .endStatus()
            .build();
    StatusModel.Verdict v = StatusModel.verdict(observe(run, job, List.of(pod), null));
    assertEquals(Phase.QUEUED, v.phase());
    assertEquals(Reason.ImagePullFailed, v.reason());
    assertTrue(v.message().contains("armory/armory-trainer-cuda:0.1.0"), v.message());
  }

  @Test
  void deadlineExceededNamesTheLimitAndWhatToChange() {
    TuningRun run = Runs.minimal("slow");
    Job job = failed(TrainingJobModel.from(run, OperatorConfig.defaults()), "DeadlineExceeded");
    StatusModel.Verdict v = StatusModel.verdict(observe(run, job, List.of(), null));
    assertEquals(Phase.FAILED, v.phase());
    assertEquals(Reason.DeadlineExceeded, v.reason());
    assertTrue(v.message().contains("activeDeadlineSeconds=172800"), v.message());
    assertTrue(v.message().contains("spec.activeDeadlineSeconds"), v.message());
  }

  @Test
  void trainerFailureMessageWinsOverTheGenericBackoffReason() {
    TuningRun run = Runs.minimal("diverged");
    Job job = failed(TrainingJobModel.from(run, OperatorConfig.defaults()), "BackoffLimitExceeded");
    TrainingReport failure =
        report(
            "diverged",
            TrainingReport.Kind.FAILED,
            40,
            "loss became NaN at step 40; lower learningRate");
    StatusModel.Verdict v = StatusModel.verdict(observe(run, job, List.of(), failure));
    assertEquals(Reason.TrainingFailed, v.reason());
    assertTrue(v.message().contains("loss became NaN at step 40"), v.message());
  }

  @Test
  void aFailedExitStopsTheJobAtOnceAndReadsAsTrainingFailed() {
    TuningRun run = Runs.minimal("exit1");
    Job job = failed(TrainingJobModel.from(run, OperatorConfig.defaults()), "PodFailurePolicy");
    StatusModel.Verdict v = StatusModel.verdict(observe(run, job, List.of(), null));
    assertEquals(Phase.FAILED, v.phase());
    assertEquals(Reason.TrainingFailed, v.reason());
    assertTrue(v.message().contains("exited with code 1"), v.message());
  }

  @Test
  void completedTrainingWithExportRequestedIsExportingWhileThePodRuns() {
    TuningRun run = Runs.minimal("exp");
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
            new ExportSpec(false, OnnxPrecision.FP16),
            null,
            null,
            null,
            null,
            null,
            null));
    Job job = TrainingJobModel.from(run, OperatorConfig.defaults());
    TrainingReport done = report("exp", TrainingReport.Kind.COMPLETED, 100, null);
    TuningRunStatus status =
        StatusModel.derive(observe(run, job, List.of(pod("exp-train-a", "Running").build()), done));
    assertEquals(Phase.EXPORTING, status.phase());
    assertEquals("exports/exp", status.artifacts().export());
  }

  @Test
  void aFinishedRunKeepsItsOutcomeWhenItsJobIsGone() {
    TuningRun run = Runs.minimal("kept");
    Job job = TrainingJobModel.from(run, OperatorConfig.defaults());
    job.setStatus(
        new JobStatusBuilder()
            .withCompletionTime("2026-03-01T11:00:00Z")
            .addToConditions(
                new JobConditionBuilder().withType("Complete").withStatus("True").build())
            .build());
    TuningRunStatus succeeded = StatusModel.derive(observe(run, job, List.of(), null));
    assertEquals(Phase.SUCCEEDED, succeeded.phase());
    run.setStatus(succeeded);

    TuningRunStatus later =
        StatusModel.derive(
            new RunObservation(
                run, List.of(), false, null, List.of(), null, T0.plusSeconds(86400)));
    assertEquals(Phase.SUCCEEDED, later.phase());
    assertEquals("2026-03-01T11:00:00Z", later.completionTime());
    assertEquals(succeeded, later, "nothing changes, so nothing is written");
  }

  @Test
  void conditionsKeepTheirTransitionTimeWhileTheirStatusHolds() {
    TuningRun run = Runs.minimal("times");
    Job job = TrainingJobModel.from(run, OperatorConfig.defaults());
    TuningRunStatus first = StatusModel.derive(observe(run, job, List.of(), null));
    run.setStatus(first);
    Pod running = pod("times-train-a", "Running").build();
    TuningRunStatus second =
        StatusModel.derive(
            new RunObservation(
                run, List.of(), false, job, List.of(running), null, T0.plusSeconds(60)));
    assertEquals(Phase.RUNNING, second.phase());
    assertEquals(
        T0.toString(), condition(second, "SpecValid").getLastTransitionTime(), "unchanged");
    assertEquals(
        T0.plusSeconds(60).toString(),
        condition(second, "Running").getLastTransitionTime(),
        "flipped");
  }

  @Test
  void cancelledByTheTrainerIsCancelled() {
    TuningRun run = Runs.minimal("stop");
    Job job = TrainingJobModel.from(run, OperatorConfig.defaults());
    TrainingReport cancelled =
        report("stop", TrainingReport.Kind.CANCELLED, 12, "cancelled by user");
    TuningRunStatus s = StatusModel.derive(observe(run, job, List.of(), cancelled));
    assertEquals(Phase.CANCELLED, s.phase());
    assertTrue(s.phase().terminal());
    assertEquals("True", condition(s, "Complete").getStatus());
  }

  private static RunObservation observe(
      TuningRun run, Job job, List<Pod> pods, TrainingReport report) {
    return new RunObservation(
        run, SpecValidator.problems(run.getSpec()), false, job, pods, report, T0);
  }

  private static Job failed(Job job, String reason) {
    job.setStatus(
        new JobStatusBuilder()
            .withFailed(3)
            .addToConditions(
                new JobConditionBuilder()
                    .withType("Failed")
                    .withStatus("True")
                    .withReason(reason)
                    .withLastTransitionTime(T0.toString())
                    .build())
            .build());
    return job;
  }

  private static PodBuilder pod(String name, String phase) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withCreationTimestamp(T0.toString())
        .endMetadata()
        .withNewSpec()
        .endSpec()
        .withNewStatus()
        .withPhase(phase)
        .endStatus();
  }

  private static TrainingReport report(
      String runId, TrainingReport.Kind kind, long step, String message) {
    return new TrainingReport(runId, kind, step, 100, 0.9, null, 1000.0, 30.0, T0, message, null);
  }

  private static io.fabric8.kubernetes.api.model.Condition condition(
      TuningRunStatus s, String type) {
    return s.conditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElseThrow();
  }
}
