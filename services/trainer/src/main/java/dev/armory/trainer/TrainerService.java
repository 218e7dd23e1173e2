package dev.armory.trainer;

import dev.armory.events.v1.TrainingRequested;
import dev.armory.platform.store.ProcessedKeys;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts training requests exactly once and launches them; on start, relaunches the runs that were
 * accepted or running when the trainer stopped (they resume from their last checkpoint).
 *
 * <p>Order of a first delivery: store the request and state (run.json ACCEPTED), claim the
 * idempotency key, launch. A redelivery finds the key claimed and does nothing; a trainer that died
 * anywhere in between finds the stored run on restart ({@link #recover}) and launches it then.
 */
public final class TrainerService {
  private static final Logger LOG = LoggerFactory.getLogger(TrainerService.class);

  /** What a delivery of TrainingRequested led to. */
  public enum Acceptance {
    /** A new run, launched now. */
    LAUNCHED,
    /** The key was claimed before: a redelivery or a re-sent request. */
    DUPLICATE,
    /** The run id is taken by a request with another idempotency key; ignored. */
    CONFLICT
  }

  private final RunStore runs;
  private final ProcessedKeys keys;
  private final JobLauncher launcher;
  private final String scope;

  public TrainerService(RunStore runs, JobLauncher launcher, String scope) {
    this.runs = runs;
    this.keys = runs.artifacts().processedKeys();
    this.launcher = launcher;
    this.scope = scope;
  }

  public JobLauncher launcher() {
    return launcher;
  }

  public RunStore runs() {
    return runs;
  }

  /**
   * Handles one delivery of a request for {@code runId} with idempotency key {@code key}.
   *
   * @param eventId the delivering event's id (recorded with the claim)
   * @param traceId trace id the run's events will carry
   */
  public Acceptance accept(
      String runId, String key, TrainingRequested request, String eventId, String traceId) {
    Optional<ProcessedKeys.KeyRecord> seen = keys.find(scope, key);
    if (seen.isPresent()) {
      LOG.info(
          "TrainingRequested {} (key {}) was {} by event {}; not starting another run",
          runId,
          key,
          seen.get().state() == ProcessedKeys.State.DONE ? "done" : "claimed",
          seen.get().eventId());
      return Acceptance.DUPLICATE;
    }
    RunState state = RunState.accepted(runId, key, scope, eventId, traceId, launcher.name());
    if (!runs.create(request, state)) {
      Optional<RunState> existing = runs.state(runId);
      if (existing.isPresent() && !key.equals(existing.get().idempotencyKey())) {
        LOG.warn(
            "run id {} already belongs to the request with key {}; ignoring the request with key"
                + " {} (use a new run id)",
            runId,
            existing.get().idempotencyKey(),
            key);
        return Acceptance.CONFLICT;
      }
      // Same key: an earlier delivery stored the run and died before claiming it.
    }
    if (!keys.claim(scope, key, eventId)) {
      return Acceptance.DUPLICATE;
    }
    LOG.info("run {} accepted (key {}); launching it ({})", runId, key, launcher.name());
    launcher.launch(runId);
    return Acceptance.LAUNCHED;
  }

  /**
   * Launches the stored runs that are accepted or running and were started by this kind of
   * launcher; returns how many.
   */
  public int recover() {
    int n = 0;
    for (RunState s : runs.unfinished()) {
      if (s.launcher() != null && !s.launcher().equals(launcher.name())) {
        continue;
      }
      LOG.info(
          "resuming run {} ({} at step {}, {} attempts so far)",
          s.runId(),
          s.status(),
          s.lastStep(),
          s.attempts());
      if (launcher.launch(s.runId())) {
        n++;
      }
    }
    return n;
  }
}
