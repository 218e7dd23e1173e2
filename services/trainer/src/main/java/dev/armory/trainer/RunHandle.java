package dev.armory.trainer;

import dev.armory.engine.finetune.FineTuneRun;

/**
 * Lets a launcher stop a run a worker is executing: the run finishes its current step, writes a
 * checkpoint and stays RUNNING, so it resumes from there when launched again.
 */
public final class RunHandle {
  private volatile boolean stopRequested;
  private volatile FineTuneRun run;

  /** Asks the run to stop after its current step (or before it starts). Thread-safe. */
  public void requestStop() {
    stopRequested = true;
    FineTuneRun r = run;
    if (r != null) {
      r.requestStop();
    }
  }

  public boolean stopRequested() {
    return stopRequested;
  }

  void attach(FineTuneRun r) {
    run = r;
    // requestStop may have run between the two writes; whichever saw the other stops the run.
    if (stopRequested) {
      r.requestStop();
    }
  }
}
