package dev.armory.operator.reconcile;

import dev.armory.operator.OperatorConfig;
import dev.armory.operator.crd.TuningRun;
import dev.armory.operator.crd.TuningRunStatus;
import dev.armory.operator.model.RunNames;
import dev.armory.operator.model.RunObservation;
import dev.armory.operator.model.SpecValidator;
import dev.armory.operator.model.StatusModel;
import dev.armory.operator.model.TrainingJobModel;
import dev.armory.operator.model.TrainingReport;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a TuningRun, level-triggered and idempotent, in the same order every time: validate
 * the spec, observe the Job, its pods and the trainer's last report, decide the desired Job, apply
 * it, derive the status. Deleting the run deletes its Job through the owner reference; artifacts
 * stay in the artifact store.
 */
@ControllerConfiguration(name = TuningRunReconciler.NAME)
public final class TuningRunReconciler implements Reconciler<TuningRun> {

  public static final String NAME = "tuningrun";
  private static final Logger LOG = LoggerFactory.getLogger(TuningRunReconciler.class);
  private static final String TRAINER_PODS =
      RunNames.LABEL_MANAGED_BY
          + "="
          + RunNames.MANAGED_BY
          + ","
          + RunNames.LABEL_NAME
          + "="
          + RunNames.TRAINER;

  private final OperatorConfig config;
  private final RunReports reports;
  private final Clock clock;
  private final SimpleInboundEventSource<TuningRun> reportEvents =
      new SimpleInboundEventSource<>("trainer-reports");
  private final Map<String, ResourceID> runsById = new ConcurrentHashMap<>();

  public TuningRunReconciler(OperatorConfig config, RunReports reports, Clock clock) {
    this.config = config;
    this.reports = reports;
    this.clock = clock;
    reports.onChange(
        runId -> {
          ResourceID id = runsById.get(runId);
          if (id != null) {
            reportEvents.propagateEvent(id);
          }
        });
  }

  @Override
  public List<EventSource<?, TuningRun>> prepareEventSources(EventSourceContext<TuningRun> ctx) {
    var jobs =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Job.class, TuningRun.class)
                .withName("jobs")
                .withLabelSelector(TRAINER_PODS)
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(TuningRun.class))
                .build(),
            ctx);
    var pods =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Pod.class, TuningRun.class)
                .withName("pods")
                .withLabelSelector(TRAINER_PODS)
                .withSecondaryToPrimaryMapper(
                    (Pod pod) -> {
                      var annotations = pod.getMetadata().getAnnotations();
                      String run =
                          annotations == null
                              ? null
                              : annotations.get(RunNames.ANNOTATION_TUNINGRUN);
                      return run == null
                          ? Set.of()
                          : Set.of(new ResourceID(run, pod.getMetadata().getNamespace()));
                    })
                .build(),
            ctx);
    return List.of(jobs, pods, reportEvents);
  }

  @Override
  public UpdateControl<TuningRun> reconcile(TuningRun run, Context<TuningRun> ctx) {
    String runId = RunNames.runId(run);
    runsById.put(runId, ResourceID.fromResource(run));

    List<String> problems = SpecValidator.problems(run.getSpec());
    Job found = ctx.getSecondaryResource(Job.class).orElse(null);
    // A Job of the same name left by an earlier run of the same name (another uid) is not ours.
    Job job = found != null && controlledBy(found, run) ? found : null;
    boolean changeRejected =
        job != null
            && problems.isEmpty()
            && !Objects.equals(
                annotation(job, RunNames.ANNOTATION_SPEC_HASH),
                TrainingJobModel.trainingSpecHash(run.getSpec()));

    Job desired = desiredJob(run, job, problems);
    JobApplier applier = new JobApplier(ctx.getClient());
    // A stale Job is deleted first; its deletion event brings the run back to create its own.
    JobApplier.Applied applied =
        found != null && job == null ? applier.apply(found, null) : applier.apply(job, desired);
    if (applied.result() != JobApplier.Result.NOOP) {
      LOG.info(
          "TuningRun {}/{}: Job {} {}",
          run.getMetadata().getNamespace(),
          run.getMetadata().getName(),
          RunNames.jobName(run),
          applied.result());
    }
    if (applied.result() == JobApplier.Result.CREATED
        || applied.result() == JobApplier.Result.PATCHED) {
      job = applied.job();
    }

    List<Pod> pods =
        job == null ? List.of() : ctx.getSecondaryResourcesAsStream(Pod.class).toList();
    TrainingReport report = reports.get(runId).orElse(null);
    TuningRunStatus status =
        StatusModel.derive(
            new RunObservation(run, problems, changeRejected, job, pods, report, clock.instant()));
    if (status.equals(run.getStatus())) {
      return UpdateControl.noUpdate();
    }
    TuningRunStatus before = run.getStatus();
    if (before == null || before.phase() != status.phase()) {
      LOG.info(
          "TuningRun {}/{}: {} ({}: {})",
          run.getMetadata().getNamespace(),
          run.getMetadata().getName(),
          status.phase(),
          status.reason(),
          status.message());
    }
    run.setStatus(status);
    return UpdateControl.patchStatus(run);
  }

  /**
   * The Job the run should have. A finished run gets none; an invalid spec starts none; a started
   * Job is kept (its pod template is immutable) with its suspend flag following the spec.
   */
  private Job desiredJob(TuningRun run, Job existing, List<String> problems) {
    TuningRunStatus status = run.getStatus();
    if (existing != null) {
      if (finished(existing)) {
        return existing;
      }
      Job desired = new io.fabric8.kubernetes.api.model.batch.v1.JobBuilder(existing).build();
      desired.getSpec().setSuspend(Boolean.TRUE.equals(run.getSpec().suspend()));
      return desired;
    }
    boolean finishedBefore =
        status != null
            && status.phase() != null
            && status.phase().terminal()
            && !"InvalidSpec".equals(status.reason());
    if (finishedBefore || !problems.isEmpty() || Boolean.TRUE.equals(run.getSpec().suspend())) {
      return null;
    }
    return TrainingJobModel.from(run, config);
  }

  private static boolean controlledBy(Job job, TuningRun run) {
    for (OwnerReference ref : job.getMetadata().getOwnerReferences()) {
      if (Boolean.TRUE.equals(ref.getController())) {
        return Objects.equals(ref.getUid(), run.getMetadata().getUid());
      }
    }
    return false;
  }

  private static boolean finished(Job job) {
    return job.getStatus() != null
        && job.getStatus().getConditions() != null
        && job.getStatus().getConditions().stream()
            .anyMatch(
                c ->
                    ("Complete".equals(c.getType()) || "Failed".equals(c.getType()))
                        && "True".equals(c.getStatus()));
  }

  private static String annotation(Job job, String key) {
    var annotations = job.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(key);
  }
}
