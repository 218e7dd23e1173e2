package dev.armory.operator.model;

import dev.armory.operator.crd.TuningRun;
import dev.armory.operator.crd.TuningRunSpec;
import dev.armory.operator.crd.TuningRunSpec.OnnxPrecision;
import dev.armory.operator.crd.TuningRunStatus;
import dev.armory.operator.crd.TuningRunStatus.Artifacts;
import dev.armory.operator.crd.TuningRunStatus.Phase;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Derives a run's status from what was observed: the phase and its reason come from facts (spec
 * validity, suspend, the Job's conditions, its pods' states, the trainer's last report), never from
 * matching error text.
 */
public final class StatusModel {

  private static final Set<String> IMAGE_PULL_REASONS =
      Set.of("ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull");

  private StatusModel() {}

  /** The phase, its stable reason and a message saying what happened and what to do. */
  public record Verdict(Phase phase, Reason reason, String message) {}

  /** The status to write for this observation. */
  public static TuningRunStatus derive(RunObservation o) {
    TuningRun run = o.run();
    TuningRunStatus old = run.getStatus();
    String runId = RunNames.runId(run);
    Verdict v = verdict(o);
    TrainingReport r = o.report();

    Long step = r != null ? Long.valueOf(r.step()) : old == null ? null : old.step();
    Long total =
        r != null && r.totalSteps() > 0
            ? Long.valueOf(r.totalSteps())
            : old == null ? null : old.totalSteps();
    Double percent = null;
    if (v.phase() == Phase.SUCCEEDED) {
      percent = 100.0;
    } else if (step != null && total != null && total > 0) {
      percent = Math.round(1000.0 * step / total) / 10.0;
    }
    String eta = null;
    if (!v.phase().terminal() && r != null && r.etaSeconds() != null && r.at() != null) {
      eta = r.at().plusSeconds(Math.round(r.etaSeconds())).toString();
    }
    Job job = o.job();
    String startTime =
        job != null && job.getStatus() != null && job.getStatus().getStartTime() != null
            ? job.getStatus().getStartTime()
            : old == null ? null : old.startTime();
    String completionTime = null;
    if (v.phase().terminal() && v.reason() != Reason.InvalidSpec) {
      completionTime = completionTime(job).orElse(old == null ? null : old.completionTime());
      if (completionTime == null) {
        completionTime = o.now().toString();
      }
    }

    return new TuningRunStatus(
        v.phase(),
        v.reason().name(),
        v.message(),
        step,
        total,
        percent,
        r != null && r.loss() != null ? r.loss() : old == null ? null : old.loss(),
        r != null && r.evalLoss() != null ? r.evalLoss() : old == null ? null : old.evalLoss(),
        r != null && r.tokensPerSecond() != null
            ? r.tokensPerSecond()
            : old == null ? null : old.tokensPerSecond(),
        eta,
        startTime,
        completionTime,
        run.getMetadata().getGeneration(),
        runId,
        job == null ? (old == null ? null : old.jobName()) : job.getMetadata().getName(),
        artifacts(run.getSpec(), runId, r),
        conditions(o, v, old));
  }

  /** Phase, reason and message, from the most decisive fact observed. */
  public static Verdict verdict(RunObservation o) {
    TuningRun run = o.run();
    TuningRunStatus old = run.getStatus();
    Job job = o.job();
    String name = run.getMetadata().getName();
    if (job == null) {
      if (old != null
          && old.phase() != null
          && old.phase().terminal()
          && !Reason.InvalidSpec.name().equals(old.reason())) {
        // The run finished and its Job was removed afterwards: the outcome stands.
        return new Verdict(old.phase(), reason(old.reason()), old.message());
      }
      if (!o.specProblems().isEmpty()) {
        return new Verdict(
            Phase.FAILED,
            Reason.InvalidSpec,
            String.join("; ", o.specProblems())
                + " (fix it with kubectl edit tuningrun "
                + name
                + "; the run starts once the spec is valid)");
      }
      if (suspended(run.getSpec())) {
        return new Verdict(
            Phase.SUSPENDED,
            Reason.Suspended,
            "spec.suspend is true: no training pod runs; set it to false to start training");
      }
      return new Verdict(Phase.PENDING, Reason.Pending, "creating the training Job");
    }
    String jobName = job.getMetadata().getName();
    if (jobCondition(job, "Complete").isPresent()) {
      return new Verdict(
          Phase.SUCCEEDED,
          Reason.Succeeded,
          "training finished; the adapter is at "
              + artifacts(run.getSpec(), RunNames.runId(run), o.report()).adapter());
    }
    Optional<JobCondition> failed = jobCondition(job, "Failed");
    if (failed.isPresent()) {
      return failure(o, job, failed.get());
    }
    if (Boolean.TRUE.equals(job.getSpec().getSuspend())) {
      return new Verdict(
          Phase.SUSPENDED,
          Reason.Suspended,
          "spec.suspend is true: the training pod is stopped; set it to false to resume from the"
              + " last checkpoint");
    }
    List<Pod> failedPods = o.pods().stream().filter(p -> "Failed".equals(phase(p))).toList();
    Optional<Pod> live =
        o.pods().stream()
            .filter(p -> "Pending".equals(phase(p)) || "Running".equals(phase(p)))
            .max(Comparator.comparing(p -> String.valueOf(p.getMetadata().getCreationTimestamp())));
    TrainingReport report = o.report();
    if (live.isEmpty()) {
      if (report != null && report.kind() == TrainingReport.Kind.CANCELLED) {
        return new Verdict(Phase.CANCELLED, Reason.Cancelled, cancelled(report));
      }
      if (!failedPods.isEmpty()) {
        return new Verdict(Phase.QUEUED, Reason.Retrying, retrying(failedPods, jobName));
      }
      return new Verdict(Phase.QUEUED, Reason.JobCreated, "Job " + jobName + " waits for its pod");
    }
    Pod pod = live.get();
    if ("Pending".equals(phase(pod))) {
      Optional<PodCondition> unschedulable =
          podCondition(pod, "PodScheduled")
              .filter(c -> "False".equals(c.getStatus()) && "Unschedulable".equals(c.getReason()));
      if (unschedulable.isPresent()) {
        return new Verdict(
            Phase.QUEUED,
            Reason.Unschedulable,
            "no node can take pod "
                + pod.getMetadata().getName()
                + ": "
                + unschedulable.get().getMessage()
                + " (it asks for "
                + TrainingJobModel.gpus(run.getSpec())
                + " GPU(s) on nodes matching "
                + pod.getSpec().getNodeSelector()
                + "; add GPU capacity or change spec.resources / spec.scheduling)");
      }
      Optional<ContainerStatus> pull =
          containerStatuses(pod).stream()
              .filter(
                  s ->
                      s.getState() != null
                          && s.getState().getWaiting() != null
                          && IMAGE_PULL_REASONS.contains(s.getState().getWaiting().getReason()))
              .findFirst();
      if (pull.isPresent()) {
        return new Verdict(
            Phase.QUEUED,
            Reason.ImagePullFailed,
            "image "
                + pull.get().getImage()
                + " cannot be pulled ("
                + pull.get().getState().getWaiting().getReason()
                + ": "
                + pull.get().getState().getWaiting().getMessage()
                + "); check spec.image or the operator's trainer image and the pull secret");
      }
      return new Verdict(
          Phase.QUEUED,
          failedPods.isEmpty() ? Reason.PodStarting : Reason.Retrying,
          failedPods.isEmpty()
              ? "pod " + pod.getMetadata().getName() + " is starting"
              : retrying(failedPods, jobName));
    }
    if (report != null
        && report.kind() == TrainingReport.Kind.COMPLETED
        && exportRequested(run.getSpec())) {
      return new Verdict(
          Phase.EXPORTING, Reason.Exporting, "training finished; merging and exporting");
    }
    String progress =
        report == null || report.totalSteps() <= 0
            ? ""
            : ": step " + report.step() + "/" + report.totalSteps();
    return new Verdict(
        Phase.RUNNING,
        Reason.Training,
        "pod " + pod.getMetadata().getName() + " is training" + progress);
  }

  /** A reason written earlier; one this version does not know reads as JobFailed. */
  private static Reason reason(String name) {
    for (Reason r : Reason.values()) {
      if (r.name().equals(name)) {
        return r;
      }
    }
    return Reason.JobFailed;
  }

  private static Verdict failure(RunObservation o, Job job, JobCondition failed) {
    TrainingReport report = o.report();
    String jobName = job.getMetadata().getName();
    for (Pod pod : o.pods()) {
      for (ContainerStatus s : containerStatuses(pod)) {
        if (oomKilled(s.getState()) || oomKilled(s.getLastState())) {
          return new Verdict(
              Phase.FAILED,
              Reason.OOMKilled,
              "container "
                  + s.getName()
                  + " of pod "
                  + pod.getMetadata().getName()
                  + " ran out of memory (limit "
                  + memoryLimit(pod)
                  + "); raise spec.resources.memory or lower"
                  + " spec.hyperparameters.microBatchSize / maxSeqLen");
        }
      }
    }
    if (report != null && report.kind() == TrainingReport.Kind.CANCELLED) {
      return new Verdict(Phase.CANCELLED, Reason.Cancelled, cancelled(report));
    }
    if (report != null && report.kind() == TrainingReport.Kind.FAILED) {
      return new Verdict(
          Phase.FAILED,
          Reason.TrainingFailed,
          "the trainer reported: "
              + report.message()
              + " (kubectl logs job/"
              + jobName
              + " shows the details)");
    }
    String reason = failed.getReason();
    if ("PodFailurePolicy".equals(reason)) {
      return new Verdict(
          Phase.FAILED,
          Reason.TrainingFailed,
          "the trainer exited with code "
              + TrainingJobModel.EXIT_FAILED
              + " (training failed, not retried)"
              + lastExit(o.pods())
              + "; kubectl logs job/"
              + jobName
              + " shows why");
    }
    if ("DeadlineExceeded".equals(reason)) {
      return new Verdict(
          Phase.FAILED,
          Reason.DeadlineExceeded,
          "Job "
              + jobName
              + " ran longer than activeDeadlineSeconds="
              + job.getSpec().getActiveDeadlineSeconds()
              + "; raise spec.activeDeadlineSeconds and create the run again (checkpoints are"
              + " kept in the artifact store)");
    }
    if ("BackoffLimitExceeded".equals(reason)) {
      return new Verdict(
          Phase.FAILED,
          Reason.BackoffLimitExceeded,
          "the training pod failed "
              + (job.getStatus() == null ? "?" : job.getStatus().getFailed())
              + " time(s), more than backoffLimit="
              + job.getSpec().getBackoffLimit()
              + lastExit(o.pods())
              + "; see kubectl logs job/"
              + jobName);
    }
    return new Verdict(
        Phase.FAILED,
        Reason.JobFailed,
        "Job " + jobName + " failed: " + failed.getReason() + ": " + failed.getMessage());
  }

  private static List<Condition> conditions(RunObservation o, Verdict v, TuningRunStatus old) {
    List<Condition> c = new ArrayList<>();
    long generation =
        o.run().getMetadata().getGeneration() == null ? 0 : o.run().getMetadata().getGeneration();
    if (o.specChangeRejected()) {
      c.add(
          condition(
              "SpecValid",
              false,
              Reason.SpecChangeRejected,
              "baseModel, dataset, method, adapter, objective, hyperparameters, eval or runId"
                  + " changed after the Job started; the running Job keeps its settings; create a"
                  + " new TuningRun to train with the new ones",
              generation));
    } else if (o.specProblems().isEmpty()) {
      c.add(condition("SpecValid", true, Reason.SpecValid, "spec is valid", generation));
    } else {
      c.add(
          condition(
              "SpecValid",
              false,
              Reason.InvalidSpec,
              String.join("; ", o.specProblems()),
              generation));
    }
    Optional<Pod> pod =
        o.pods().stream()
            .max(Comparator.comparing(p -> String.valueOf(p.getMetadata().getCreationTimestamp())));
    if (v.reason() == Reason.Unschedulable) {
      c.add(condition("Scheduled", false, Reason.Unschedulable, v.message(), generation));
    } else if (pod.isPresent()
        && podCondition(pod.get(), "PodScheduled")
            .filter(x -> "True".equals(x.getStatus()))
            .isPresent()) {
      c.add(
          condition(
              "Scheduled",
              true,
              Reason.PodScheduled,
              "pod "
                  + pod.get().getMetadata().getName()
                  + " is on node "
                  + pod.get().getSpec().getNodeName(),
              generation));
    }
    boolean suspended = v.phase() == Phase.SUSPENDED;
    c.add(
        condition(
            "Suspended",
            suspended,
            suspended ? Reason.Suspended : Reason.NotSuspended,
            suspended ? v.message() : "spec.suspend is false",
            generation));
    boolean running = v.phase() == Phase.RUNNING || v.phase() == Phase.EXPORTING;
    c.add(condition("Running", running, v.reason(), v.message(), generation));
    boolean complete = v.phase().terminal();
    c.add(
        condition(
            "Complete",
            complete,
            complete ? v.reason() : Reason.InProgress,
            complete ? v.message() : "the run has not finished",
            generation));
    // A condition keeps its transition time while its status stays the same.
    for (Condition cond : c) {
      Instant at = o.now();
      if (old != null && old.conditions() != null) {
        for (Condition prev : old.conditions()) {
          if (prev.getType().equals(cond.getType())
              && prev.getStatus().equals(cond.getStatus())
              && prev.getLastTransitionTime() != null) {
            cond.setLastTransitionTime(prev.getLastTransitionTime());
          }
        }
      }
      if (cond.getLastTransitionTime() == null) {
        cond.setLastTransitionTime(at.toString());
      }
    }
    return c;
  }

  private static Condition condition(
      String type, boolean status, Reason reason, String message, long generation) {
    Condition c = new Condition();
    c.setType(type);
    c.setStatus(status ? "True" : "False");
    c.setReason(reason.name());
    c.setMessage(message);
    c.setObservedGeneration(generation);
    return c;
  }

  private static Artifacts artifacts(TuningRunSpec spec, String runId, TrainingReport r) {
    String adapter =
        r != null && r.adapterRef() != null ? r.adapterRef() : RunNames.adapterDir(runId);
    return new Artifacts(
        RunNames.runDir(runId),
        adapter,
        RunNames.checkpointsDir(runId),
        exportRequested(spec) ? RunNames.exportDir(runId) : null);
  }

  /** True when the run merges or exports after training. */
  public static boolean exportRequested(TuningRunSpec spec) {
    return spec != null
        && spec.export() != null
        && (Boolean.TRUE.equals(spec.export().merge())
            || (spec.export().onnxPrecision() != null
                && spec.export().onnxPrecision() != OnnxPrecision.NONE));
  }

  private static boolean suspended(TuningRunSpec spec) {
    return spec != null && Boolean.TRUE.equals(spec.suspend());
  }

  private static Optional<String> completionTime(Job job) {
    if (job == null || job.getStatus() == null) {
      return Optional.empty();
    }
    if (job.getStatus().getCompletionTime() != null) {
      return Optional.of(job.getStatus().getCompletionTime());
    }
    return jobCondition(job, "Failed").map(JobCondition::getLastTransitionTime);
  }

  private static Optional<JobCondition> jobCondition(Job job, String type) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return job.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
        .findFirst();
  }

  private static Optional<PodCondition> podCondition(Pod pod, String type) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst();
  }

  private static List<ContainerStatus> containerStatuses(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return List.of();
    }
    return pod.getStatus().getContainerStatuses();
  }

  private static String phase(Pod pod) {
    return pod.getStatus() == null ? "Pending" : String.valueOf(pod.getStatus().getPhase());
  }

  private static boolean oomKilled(ContainerState state) {
    return state != null
        && state.getTerminated() != null
        && "OOMKilled".equals(state.getTerminated().getReason());
  }

  private static String memoryLimit(Pod pod) {
    return pod.getSpec().getContainers().stream()
        .filter(c -> c.getResources() != null && c.getResources().getLimits() != null)
        .map(c -> c.getResources().getLimits().get("memory"))
        .filter(q -> q != null)
        .map(Object::toString)
        .findFirst()
        .orElse("none set");
  }

  private static String retrying(List<Pod> failedPods, String jobName) {
    return failedPods.size()
        + " pod(s) of Job "
        + jobName
        + " failed"
        + lastExit(failedPods)
        + "; the Job starts another, which resumes from the last checkpoint";
  }

  private static String lastExit(List<Pod> pods) {
    for (Pod pod : pods) {
      for (ContainerStatus s : containerStatuses(pod)) {
        if (s.getState() != null && s.getState().getTerminated() != null) {
          var t = s.getState().getTerminated();
          return "; last exit: code "
              + t.getExitCode()
              + (t.getReason() == null ? "" : " (" + t.getReason() + ")")
              + (t.getMessage() == null ? "" : ": " + t.getMessage());
        }
      }
    }
    return "";
  }

  private static String cancelled(TrainingReport report) {
    return "the trainer reported the run cancelled"
        + (report.message() == null ? "" : ": " + report.message());
  }
}
