package dev.armory.trainer;

import com.google.protobuf.Message;
import dev.armory.engine.train.ProgressListener;
import dev.armory.engine.train.TrainingPlan;
import dev.armory.events.v1.TrainingProgress;
import dev.armory.events.v1.TrainingStarted;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Turns the engine's progress into events: TrainingStarted once per session (with the step it
 * resumed from), and TrainingProgress throttled to one every {@code everySteps} steps or {@code
 * interval}, whichever comes first, plus the last step and every evaluation (with its eval loss).
 * Called on the training thread; the sink must not block.
 */
final class ProgressEvents implements ProgressListener {
  private final String runId;
  private final String worker;
  private final String runPath;
  private final int everySteps;
  private final long intervalNanos;
  private final Consumer<Message> sink;
  private final LongSupplier nanoClock;
  private int lastSentStep = -1;
  private long lastSentAt;
  private StepProgress last;
  private volatile int step;
  private volatile Path lastCheckpoint;

  ProgressEvents(
      String runId,
      String worker,
      String runPath,
      int everySteps,
      Duration interval,
      Consumer<Message> sink,
      LongSupplier nanoClock) {
    this.runId = runId;
    this.worker = worker;
    this.runPath = runPath;
    this.everySteps = everySteps;
    this.intervalNanos = interval.toNanos();
    this.sink = sink;
    this.nanoClock = nanoClock;
  }

  @Override
  public void started(TrainingPlan plan) {
    step = plan.startStep();
    lastSentStep = plan.startStep();
    lastSentAt = nanoClock.getAsLong();
    sink.accept(
        TrainingStarted.newBuilder()
            .setRunId(runId)
            .setTotalSteps(plan.totalSteps())
            .setResumedFromStep(plan.startStep())
            .setWorker(worker)
            .setRunPath(runPath)
            .build());
  }

  @Override
  public void stepped(StepProgress p) {
    last = p;
    step = p.step();
    long now = nanoClock.getAsLong();
    boolean due =
        p.step() - lastSentStep >= everySteps
            || now - lastSentAt >= intervalNanos
            || p.step() >= p.totalSteps();
    if (due) {
      send(progress(p).build(), p.step(), now);
    }
  }

  @Override
  public void evaluated(EvalProgress e) {
    TrainingProgress.Builder b =
        last != null && last.step() == e.step()
            ? progress(last)
            : TrainingProgress.newBuilder()
                .setRunId(runId)
                .setStep(e.step())
                .setTotalSteps(e.totalSteps())
                .setLoss(e.trainLoss());
    send(b.setEvalLoss(e.evalLoss()).build(), e.step(), nanoClock.getAsLong());
  }

  @Override
  public void checkpointSaved(int step, Path directory, boolean best) {
    lastCheckpoint = directory;
  }

  /** The last step done (0 before the first). */
  int step() {
    return step;
  }

  /** The last checkpoint written in this session, or null. */
  Path lastCheckpoint() {
    return lastCheckpoint;
  }

  private TrainingProgress.Builder progress(StepProgress p) {
    return TrainingProgress.newBuilder()
        .setRunId(runId)
        .setStep(p.step())
        .setTotalSteps(p.totalSteps())
        .setLoss(p.loss())
        .setLearningRate(p.lr())
        .setTokensPerSecond(p.tokensPerSecond())
        .setEtaSeconds(p.eta() == null ? 0 : p.eta().toMillis() / 1000.0)
        .setGradNorm(p.gradNorm())
        .setEpoch(p.epoch());
  }

  private void send(TrainingProgress event, int atStep, long now) {
    lastSentStep = atStep;
    lastSentAt = now;
    sink.accept(event);
  }
}
