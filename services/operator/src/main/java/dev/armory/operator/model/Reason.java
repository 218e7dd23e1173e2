package dev.armory.operator.model;

/**
 * Stable reasons of a run's phase and conditions. Tools may match on these; the message beside each
 * says the rest in words.
 */
public enum Reason {
  /** The spec passed validation. */
  SpecValid,
  /** The spec has problems; no Job is started until it is fixed. */
  InvalidSpec,
  /** A training-defining field changed after the Job started; the change is not applied. */
  SpecChangeRejected,
  /** spec.suspend is true. */
  Suspended,
  /** Not suspended. */
  NotSuspended,
  /** No Job yet. */
  Pending,
  /** The Job exists and waits for its pod. */
  JobCreated,
  /** The pod is scheduled and its containers are starting. */
  PodStarting,
  /** The pod is bound to a node. */
  PodScheduled,
  /** No node can take the pod (GPU capacity, selectors, taints). */
  Unschedulable,
  /** The trainer image cannot be pulled. */
  ImagePullFailed,
  /** The trainer container is running. */
  Training,
  /** An earlier pod failed; the Job is trying again. */
  Retrying,
  /** Training finished; the pod is merging or exporting. */
  Exporting,
  /** The Job completed. */
  Succeeded,
  /** The trainer container ran out of memory. */
  OOMKilled,
  /** The pod failed more often than spec.backoffLimit allows. */
  BackoffLimitExceeded,
  /** The Job ran longer than spec.activeDeadlineSeconds. */
  DeadlineExceeded,
  /** The trainer reported a failure (TrainingFailed). */
  TrainingFailed,
  /** The Job failed for another reason (see the message). */
  JobFailed,
  /** The trainer reported the run cancelled. */
  Cancelled,
  /** The run has not finished. */
  InProgress
}
