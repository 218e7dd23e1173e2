package dev.armory.trainer;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * The trainer service's settings, under {@code armory.trainer}, each also settable by environment
 * variable ({@code armory.trainer.max-concurrent-runs} is {@code
 * ARMORY_TRAINER_MAX_CONCURRENT_RUNS}). Kafka and the artifact store come from {@code
 * armory.kafka.*} and {@code armory.store.root} (see {@link dev.armory.platform.PlatformConfig}).
 *
 * @param groupId consumer group of TrainingRequested, also the scope of its idempotency records
 * @param launcher which job launcher starts runs: {@code local} (worker threads in this JVM)
 * @param maxConcurrentRuns runs the local launcher trains at once; more wait in its queue
 * @param progressEverySteps a TrainingProgress event at least every this many steps
 * @param progressInterval ... or when this much time passed since the last one
 * @param datasetWait how long a run waits for its dataset to be ingested before it fails
 * @param threads ONNX Runtime intra-op threads per run (0: one per core)
 * @param resumeOnStart relaunch the runs that were accepted or running when the trainer stopped
 * @param stopGrace on shutdown, how long running runs get to write their stop checkpoint
 * @param console print the engine's settings and step lines to standard output
 */
@ConfigurationProperties(TrainerConfig.PREFIX)
public record TrainerConfig(
    @Bindable(defaultValue = "trainer") String groupId,
    @Bindable(defaultValue = "local") String launcher,
    @Bindable(defaultValue = "1") int maxConcurrentRuns,
    @Bindable(defaultValue = "10") int progressEverySteps,
    @Bindable(defaultValue = "2s") Duration progressInterval,
    @Bindable(defaultValue = "10m") Duration datasetWait,
    @Bindable(defaultValue = "0") int threads,
    @Bindable(defaultValue = "true") boolean resumeOnStart,
    @Bindable(defaultValue = "60s") Duration stopGrace,
    @Bindable(defaultValue = "false") boolean console) {
  public static final String PREFIX = "armory.trainer";

  public TrainerConfig {
    if (maxConcurrentRuns < 1) {
      throw new IllegalArgumentException(
          PREFIX + ".max-concurrent-runs must be >= 1, got " + maxConcurrentRuns);
    }
    if (progressEverySteps < 1) {
      throw new IllegalArgumentException(
          PREFIX + ".progress-every-steps must be >= 1, got " + progressEverySteps);
    }
    if (threads < 0) {
      throw new IllegalArgumentException(
          PREFIX + ".threads must be >= 0 (0 = one per core), got " + threads);
    }
  }

  /** The worker settings these describe, for a worker named {@code worker}. */
  public WorkerOptions workerOptions(String worker) {
    return WorkerOptions.defaults(worker)
        .withScope(groupId)
        .withProgress(progressEverySteps, progressInterval)
        .withDatasetWait(datasetWait)
        .withThreads(threads)
        .withConsole(console ? System.out : null);
  }
}
