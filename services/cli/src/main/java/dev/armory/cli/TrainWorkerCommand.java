package dev.armory.cli;

import dev.armory.engine.runtime.ExecutionProvider;
import dev.armory.events.v1.TrainingRequested;
import dev.armory.platform.PlatformConfig;
import dev.armory.platform.events.EventProducer;
import dev.armory.platform.store.ArtifactStore;
import dev.armory.trainer.RunHandle;
import dev.armory.trainer.RunState;
import dev.armory.trainer.RunStore;
import dev.armory.trainer.RunWorker;
import dev.armory.trainer.WorkerOptions;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code armory train-worker}: runs one stored training run in this process, the entry point of a
 * Kubernetes training pod (and of the trainer's local launcher, which runs the same worker in
 * threads).
 */
@Command(
    name = "train-worker",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Runs (or resumes) one training run of the artifact store: what a Kubernetes training pod"
          + " runs.",
      "Reads STORE/runs/ID/request.json (a TrainingRequested in proto3 JSON, stored by the"
          + " trainer service, or from the request file given here), trains with the engine from"
          + " the run's last checkpoint if it has one, commits the adapter to STORE/adapters/ID,"
          + " and publishes TrainingStarted, TrainingProgress and TrainingCompleted or"
          + " TrainingFailed to Kafka.",
      "SIGTERM or Ctrl-C stops after the current step with a checkpoint; running the command"
          + " again resumes. Exit codes: 0 completed (or already finished), 1 failed (see"
          + " TrainingFailed), 2 stopped with a checkpoint."
    })
final class TrainWorkerCommand implements Callable<Integer> {
  static final int EXIT_STOPPED = 2;

  @Spec CommandSpec spec;

  @Option(
      names = "--run-id",
      required = true,
      paramLabel = "ID",
      description = "The run: its folder is STORE/runs/ID.")
  String runId;

  @Option(
      names = "--store",
      paramLabel = "DIR",
      description =
          "Artifact store root (default: ARMORY_STORE_ROOT, else ARMORY_ARTIFACTS_DIR, else"
              + " armory-data/store).")
  Path store;

  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOSTS",
      description =
          "Kafka bootstrap servers for the run's events (default: ARMORY_KAFKA_BOOTSTRAP_SERVERS,"
              + " else 127.0.0.1:9092).")
  String bootstrapServers;

  @Option(
      names = "--request",
      paramLabel = "FILE",
      description =
          "A TrainingRequested in proto3 JSON, stored as the run's request when the run has none"
              + " yet (default: the JSON in ARMORY_TRAINING_REQUEST, if set).")
  Path request;

  @Option(
      names = "--device",
      paramLabel = "cpu|cuda",
      description =
          "ONNX Runtime execution provider (default: ARMORY_EXECUTION_PROVIDER, else cpu).")
  String device;

  @Option(
      names = "--threads",
      defaultValue = "0",
      paramLabel = "N",
      description = "ONNX Runtime intra-op threads; 0 (the default) uses one per core.")
  int threads;

  @Option(
      names = "--progress-every-steps",
      defaultValue = "10",
      paramLabel = "N",
      description = "Publish TrainingProgress at least every N steps (default: ${DEFAULT-VALUE}).")
  int progressEverySteps;

  @Option(
      names = "--progress-interval-seconds",
      defaultValue = "5",
      paramLabel = "S",
      description = "... or when S seconds passed since the last one (default: ${DEFAULT-VALUE}).")
  double progressIntervalSeconds;

  @Option(
      names = "--dataset-wait-seconds",
      defaultValue = "600",
      paramLabel = "S",
      description =
          "How long to wait for a dataset that is not ingested yet before failing the run"
              + " (default: ${DEFAULT-VALUE}).")
  double datasetWaitSeconds;

  @Option(names = "--quiet", description = "Do not print the engine's settings and step lines.")
  boolean quiet;

  @Override
  public Integer call() throws Exception {
    ServiceLogs.showArmoryInfo();
    PrintWriter out = spec.commandLine().getOut();
    if (threads < 0 || progressEverySteps < 1) {
      throw new ParameterException(
          spec.commandLine(), "--threads must be >= 0 and --progress-every-steps >= 1");
    }
    Path root = store != null ? store : defaultStore();
    PlatformConfig config =
        PlatformConfig.of(
            firstNonBlank(
                bootstrapServers,
                System.getenv("ARMORY_KAFKA_BOOTSTRAP_SERVERS"),
                PlatformConfig.DEFAULT_BOOTSTRAP_SERVERS),
            root,
            "train-worker");
    ArtifactStore artifacts = ArtifactStore.open(config.storeRoot());
    storeRequestIfGiven(new RunStore(artifacts), out);
    String providerName = firstNonBlank(device, System.getenv("ARMORY_EXECUTION_PROVIDER"), "cpu");
    WorkerOptions options =
        WorkerOptions.defaults(workerName())
            .withProgress(
                progressEverySteps, Duration.ofMillis(Math.round(progressIntervalSeconds * 1000)))
            .withDatasetWait(Duration.ofMillis(Math.round(datasetWaitSeconds * 1000)))
            .withThreads(threads)
            .withProvider(ExecutionProvider.parse(providerName))
            .withConsole(quiet ? null : WriterPrintStream.of(out));
    RunHandle handle = new RunHandle();
    CountDownLatch finished = new CountDownLatch(1);
    Thread stopper =
        new Thread(
            () -> {
              handle.requestStop();
              try {
                finished.await(); // the JVM waits for the stop checkpoint
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "armory-train-worker-stop");
    Runtime.getRuntime().addShutdownHook(stopper);
    RunWorker.Outcome outcome;
    try (EventProducer producer = new EventProducer(config)) {
      outcome = new RunWorker(artifacts, producer, options).run(runId, handle);
    } finally {
      finished.countDown();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(stopper);
    } catch (IllegalStateException e) {
      // already shutting down
    }
    RunState state = new RunStore(artifacts).state(runId).orElse(null);
    out.printf(
        "run %s: %s%s%n",
        runId,
        outcome.name().toLowerCase().replace('_', ' '),
        state == null ? "" : " (step " + state.lastStep() + ", store " + artifacts.root() + ")");
    out.flush();
    switch (outcome) {
      case FAILED:
        return 1;
      case STOPPED:
        return EXIT_STOPPED;
      default:
        return 0;
    }
  }

  /** Stores --request (or ARMORY_TRAINING_REQUEST) as the run's request when it has none. */
  private void storeRequestIfGiven(RunStore runs, PrintWriter out) throws Exception {
    String json = null;
    String source = null;
    if (request != null) {
      json = Files.readString(request, StandardCharsets.UTF_8);
      source = request.toString();
    } else if (System.getenv("ARMORY_TRAINING_REQUEST") != null
        && !System.getenv("ARMORY_TRAINING_REQUEST").isBlank()) {
      json = System.getenv("ARMORY_TRAINING_REQUEST");
      source = "ARMORY_TRAINING_REQUEST";
    }
    if (json == null) {
      return;
    }
    TrainingRequested r = RunStore.fromJson(json, source);
    if (!r.getRunId().isEmpty() && !r.getRunId().equals(runId)) {
      throw new ParameterException(
          spec.commandLine(),
          source + " is for run '" + r.getRunId() + "' but --run-id is '" + runId + "'");
    }
    String key = r.getIdempotencyKey().isEmpty() ? runId : r.getIdempotencyKey();
    r = r.toBuilder().setRunId(runId).setIdempotencyKey(key).build();
    RunState state =
        RunState.accepted(runId, key, null, null, UUID.randomUUID().toString(), "external");
    if (runs.create(r, state)) {
      out.println("stored the request from " + source + " in " + runs.runDir(runId));
    } else if (!runs.request(runId).orElseThrow().equals(r)) {
      out.println(
          "run "
              + runId
              + " already has a stored request that differs from "
              + source
              + "; running the stored one");
    }
  }

  private static Path defaultStore() {
    return Path.of(
        firstNonBlank(
            System.getenv("ARMORY_STORE_ROOT"),
            System.getenv("ARMORY_ARTIFACTS_DIR"),
            PlatformConfig.DEFAULT_STORE_ROOT.toString()));
  }

  private static String workerName() {
    String host = System.getenv("HOSTNAME");
    return host != null && !host.isBlank() ? host : "train-worker";
  }

  private static String firstNonBlank(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v.trim();
      }
    }
    return null;
  }
}
