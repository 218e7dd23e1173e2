package dev.armory.operator.model;

import dev.armory.operator.crd.TuningRun;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Instant;
import java.util.List;

/**
 * Everything observed about a run in one reconcile, from which {@link StatusModel} derives the
 * status.
 *
 * @param run the TuningRun as read (spec, generation, previous status)
 * @param specProblems validation problems of the spec; empty when valid
 * @param specChangeRejected true when training-defining fields differ from the running Job's
 * @param job the training Job, or null when there is none
 * @param pods the Job's pods (any phase)
 * @param report the latest the trainer reported through events, or null
 * @param now the time to stamp new condition transitions with
 */
public record RunObservation(
    TuningRun run,
    List<String> specProblems,
    boolean specChangeRejected,
    Job job,
    List<Pod> pods,
    TrainingReport report,
    Instant now) {

  public RunObservation {
    specProblems = List.copyOf(specProblems);
    pods = List.copyOf(pods);
  }
}
