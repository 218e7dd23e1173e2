package dev.armory.trainer;

import dev.armory.engine.runtime.ExecutionProvider;
import dev.armory.engine.runtime.SessionConfig;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link RunWorker} runs: its name in events, the idempotency scope it completes keys in,
 * progress throttling, how long to wait for a dataset, ONNX Runtime settings and console output.
 *
 * @param worker where the run executes, reported in TrainingStarted ("local-1", a pod name)
 * @param scope idempotency scope of TrainingRequested keys (the trainer's consumer group)
 * @param progressEverySteps a TrainingProgress at least every this many steps
 * @param progressInterval ... or when this much time passed since the last one
 * @param datasetWait how long to wait for a dataset that is not ingested yet
 * @param threads ONNX Runtime intra-op threads (0: one per core)
 * @param provider ONNX Runtime execution provider (cpu, cuda)
 * @param console where the engine prints its settings and step lines, or null for silence
 */
public record WorkerOptions(
    String worker,
    String scope,
    int progressEverySteps,
    Duration progressInterval,
    Duration datasetWait,
    int threads,
    ExecutionProvider provider,
    PrintStream console) {

  public WorkerOptions {
    Objects.requireNonNull(worker, "worker");
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(progressInterval, "progressInterval");
    Objects.requireNonNull(datasetWait, "datasetWait");
    Objects.requireNonNull(provider, "provider");
    if (progressEverySteps < 1) {
      throw new IllegalArgumentException(
          "progress every steps must be >= 1, got " + progressEverySteps);
    }
    if (threads < 0) {
      throw new IllegalArgumentException("threads must be >= 0 (0 = one per core), got " + threads);
    }
  }

  /** Defaults: progress every 10 steps or 2 s, wait 10 minutes for a dataset, CPU, quiet. */
  public static WorkerOptions defaults(String worker) {
    return new WorkerOptions(
        worker,
        "trainer",
        10,
        Duration.ofSeconds(2),
        Duration.ofMinutes(10),
        0,
        ExecutionProvider.CPU,
        null);
  }

  /** The ONNX Runtime settings of the run's sessions. */
  public SessionConfig session() {
    return SessionConfig.defaults().withThreads(threads).withProvider(provider);
  }

  public WorkerOptions withWorker(String name) {
    return new WorkerOptions(
        name, scope, progressEverySteps, progressInterval, datasetWait, threads, provider, console);
  }

  public WorkerOptions withScope(String s) {
    return new WorkerOptions(
        worker, s, progressEverySteps, progressInterval, datasetWait, threads, provider, console);
  }

  public WorkerOptions withProgress(int everySteps, Duration interval) {
    return new WorkerOptions(
        worker, scope, everySteps, interval, datasetWait, threads, provider, console);
  }

  public WorkerOptions withDatasetWait(Duration wait) {
    return new WorkerOptions(
        worker, scope, progressEverySteps, progressInterval, wait, threads, provider, console);
  }

  public WorkerOptions withThreads(int n) {
    return new WorkerOptions(
        worker, scope, progressEverySteps, progressInterval, datasetWait, n, provider, console);
  }

  public WorkerOptions withProvider(ExecutionProvider p) {
    return new WorkerOptions(
        worker, scope, progressEverySteps, progressInterval, datasetWait, threads, p, console);
  }

  public WorkerOptions withConsole(PrintStream out) {
    return new WorkerOptions(
        worker, scope, progressEverySteps, progressInterval, datasetWait, threads, provider, out);
  }
}
