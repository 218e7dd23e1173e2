package dev.armory.trainer;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * A run's state as the trainer records it in {@code runs/<id>/run.json}: with the persisted request
 * this is what survives a restart. A run is ACCEPTED when its request is stored, RUNNING from the
 * moment a worker picks it up until it ends (a stopped run stays RUNNING: it resumes from its last
 * checkpoint), then COMPLETED or FAILED.
 *
 * @param runId the run id (folder name under runs/)
 * @param status where the run is
 * @param idempotencyKey the request's idempotency key (the run id when the request had none)
 * @param scope idempotency scope the key was claimed in (the trainer's consumer group)
 * @param eventId event id of the request that created the run
 * @param traceId trace id every event of the run carries
 * @param launcher launcher that started the run (local, kubernetes)
 * @param worker the worker that ran it last
 * @param attempts how many times a worker started (or resumed) the run
 * @param acceptedAt when the request was stored
 * @param updatedAt when this record last changed
 * @param lastStep optimizer steps done when the run last stopped, completed or failed
 * @param failureCode stable failure code (FAILED only)
 * @param failureReason what went wrong (FAILED only)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunState(
    String runId,
    Status status,
    String idempotencyKey,
    String scope,
    String eventId,
    String traceId,
    String launcher,
    String worker,
    int attempts,
    String acceptedAt,
    String updatedAt,
    int lastStep,
    String failureCode,
    String failureReason) {

  /** Where a run is. */
  public enum Status {
    ACCEPTED,
    RUNNING,
    COMPLETED,
    FAILED;

    /** COMPLETED and FAILED are final: the run is never started again. */
    public boolean terminal() {
      return this == COMPLETED || this == FAILED;
    }
  }

  /** A run whose request was just stored. */
  public static RunState accepted(
      String runId,
      String idempotencyKey,
      String scope,
      String eventId,
      String traceId,
      String launcher) {
    String now = Instant.now().toString();
    return new RunState(
        runId,
        Status.ACCEPTED,
        idempotencyKey,
        scope,
        eventId,
        traceId,
        launcher,
        null,
        0,
        now,
        now,
        0,
        null,
        null);
  }

  /** Picked up by {@code worker}: one more attempt. */
  public RunState running(String worker) {
    return new RunState(
        runId,
        Status.RUNNING,
        idempotencyKey,
        scope,
        eventId,
        traceId,
        launcher,
        worker,
        attempts + 1,
        acceptedAt,
        Instant.now().toString(),
        lastStep,
        null,
        null);
  }

  /** Stopped at {@code step} with a checkpoint; still RUNNING, so it resumes. */
  public RunState stoppedAt(int step) {
    return with(Status.RUNNING, step, null, null);
  }

  public RunState completed(int step) {
    return with(Status.COMPLETED, step, null, null);
  }

  public RunState failed(int step, String code, String reason) {
    return with(Status.FAILED, step, code, reason);
  }

  private RunState with(Status s, int step, String code, String reason) {
    return new RunState(
        runId,
        s,
        idempotencyKey,
        scope,
        eventId,
        traceId,
        launcher,
        worker,
        attempts,
        acceptedAt,
        Instant.now().toString(),
        step,
        code,
        reason);
  }
}
