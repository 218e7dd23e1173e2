package dev.armory.trainer;

/**
 * Starts stored runs somewhere: worker threads in this JVM ({@link LocalJobLauncher}), or a
 * Kubernetes Job running {@code armory train-worker --run-id ID} (from the operator). Launching a
 * run that is already running under this launcher does nothing, so redeliveries and restarts can
 * call it freely.
 */
public interface JobLauncher extends AutoCloseable {

  /** The launcher's name, recorded in run.json ("local", "kubernetes"). */
  String name();

  /** Starts (or queues) the run unless it is already active here; true when it was started now. */
  boolean launch(String runId);

  /** True while the run is queued or running under this launcher. */
  boolean isActive(String runId);

  /**
   * Stops launching; running runs get a stop request (they checkpoint and stay RUNNING, so a new
   * launcher resumes them) and the shutdown grace to finish their step.
   */
  @Override
  void close();
}
