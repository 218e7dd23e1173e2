package dev.armory.trainer;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Message;
import dev.armory.engine.finetune.FineTuneRequest;
import dev.armory.engine.finetune.FineTuneRun;
import dev.armory.engine.train.Checkpoint;
import dev.armory.engine.train.RunDirectory;
import dev.armory.engine.train.TrainingResult;
import dev.armory.events.v1.ArtifactKind;
import dev.armory.events.v1.ArtifactRef;
import dev.armory.events.v1.TrainingCompleted;
import dev.armory.events.v1.TrainingFailed;
import dev.armory.events.v1.TrainingRequested;
import dev.armory.platform.events.EventProducer;
import dev.armory.platform.events.Events;
import dev.armory.platform.store.ArtifactExistsException;
import dev.armory.platform.store.ArtifactStore;
import dev.armory.platform.store.ManifestDetails;
import dev.armory.platform.store.StagedArtifact;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one stored run to its end: the entry point the local launcher's threads and {@code armory
 * train-worker} (a Kubernetes pod) share. It reads the run's request from the store, resolves its
 * inputs, trains with the engine (resuming from the last checkpoint when there is one), streams
 * TrainingStarted and TrainingProgress, commits the adapter to {@code adapters/<run id>} and emits
 * TrainingCompleted, or TrainingFailed with a code and the last checkpoint.
 *
 * <p>Events are published at least once: a worker that dies after training but before its
 * TrainingCompleted was acknowledged leaves the run RUNNING, and the next attempt resumes from the
 * final checkpoint and publishes it again.
 */
public final class RunWorker {
  private static final Logger LOG = LoggerFactory.getLogger(RunWorker.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How a call to {@link #run} ended. */
  public enum Outcome {
    COMPLETED,
    FAILED,
    /** Stopped on request with a checkpoint; launching it again resumes it. */
    STOPPED,
    /** The run had already completed or failed; nothing was done. */
    ALREADY_FINISHED
  }

  private final RunStore runs;
  private final ArtifactStore store;
  private final EventProducer producer;
  private final WorkerOptions options;

  public RunWorker(ArtifactStore store, EventProducer producer, WorkerOptions options) {
    this.store = store;
    this.runs = new RunStore(store);
    this.producer = producer;
    this.options = options;
  }

  public RunStore runs() {
    return runs;
  }

  public WorkerOptions options() {
    return options;
  }

  /**
   * Runs (or resumes) {@code runId}. Training failures end in TrainingFailed and {@link
   * Outcome#FAILED}; an exception means the run could not be recorded or its final event not
   * published, and it stays RUNNING for the next attempt.
   */
  public Outcome run(String runId, RunHandle handle) throws Exception {
    TrainingRequested request =
        runs.request(runId)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "run "
                            + runId
                            + " has no stored request ("
                            + runs.runDir(runId).resolve(RunStore.REQUEST_FILE)
                            + "): publish a TrainingRequested for it or pass the request to"
                            + " armory train-worker --request"));
    RunState state =
        runs.state(runId)
            .orElseGet(
                () ->
                    RunState.accepted(
                        runId, runId, null, null, UUID.randomUUID().toString(), "external"));
    if (state.status().terminal()) {
      LOG.info("run {} is already {}; nothing to do", runId, state.status());
      return Outcome.ALREADY_FINISHED;
    }
    state = state.running(options.worker());
    runs.save(state);
    String traceId = state.traceId();
    Path trainDir = runs.trainDir(runId);
    ProgressEvents progress =
        new ProgressEvents(
            runId,
            options.worker(),
            store.relative(runs.runDir(runId)),
            options.progressEverySteps(),
            options.progressInterval(),
            payload -> publishAsync(runId, traceId, payload),
            System::nanoTime);
    LOG.info("run {}: attempt {} on {}", runId, state.attempts(), options.worker());

    RunInputs inputs = null;
    TrainingResult result;
    FineTuneRun run;
    try {
      inputs = RunInputs.resolve(store, request, options.datasetWait(), handle::stopRequested);
      FineTuneRequest ft = RequestMapping.toFineTune(request, inputs, trainDir, options.session());
      run = new FineTuneRun(ft).console(options.console()).listener(progress);
      handle.attach(run);
      // resume=false on a fresh run also measures the base model's eval loss first
      result = run.run(lastCheckpoint(trainDir).isPresent());
    } catch (InterruptedException e) {
      if (!handle.stopRequested()) {
        Thread.currentThread().interrupt();
      }
      runs.save(state.stoppedAt(progress.step()));
      LOG.info("run {} stopped before training: {}", runId, e.getMessage());
      return Outcome.STOPPED;
    } catch (Exception e) {
      RunFailure f = RunFailure.of(e);
      return fail(runId, state, traceId, f, progress.step(), trainDir, e);
    }
    if (result.stop() == TrainingResult.Stop.STOP_REQUESTED) {
      runs.save(state.stoppedAt(result.steps()));
      producer.flush();
      LOG.info("run {} stopped at step {} with a checkpoint", runId, result.steps());
      return Outcome.STOPPED;
    }
    TrainingCompleted done;
    try {
      done = complete(runId, request, inputs, result, run.baseEvalLoss(), trainDir);
    } catch (Exception e) {
      return fail(runId, state, traceId, RunFailure.of(e), result.steps(), trainDir, e);
    }
    producer.sendAndWait(Events.envelope(runId, done, traceId));
    runs.save(state.completed(result.steps()));
    completeKey(state, "COMPLETED");
    LOG.info(
        "run {} completed: {} steps, loss {}, adapter {}",
        runId,
        result.steps(),
        result.lastLoss(),
        done.getAdapter().getId());
    return Outcome.COMPLETED;
  }

  private Outcome fail(
      String runId,
      RunState state,
      String traceId,
      RunFailure f,
      int step,
      Path trainDir,
      Exception cause) {
    if (f.code() == RunFailure.Code.WORKER_ERROR) {
      LOG.warn("run {} failed ({}): {}", runId, f.code(), f.getMessage(), cause);
    } else {
      LOG.warn("run {} failed ({}): {}", runId, f.code(), f.getMessage());
    }
    TrainingFailed.Builder failed =
        TrainingFailed.newBuilder()
            .setRunId(runId)
            .setCode(f.code().name())
            .setReason(f.getMessage())
            .setLastStep(step);
    lastCheckpoint(trainDir)
        .ifPresent(
            cp ->
                failed.setLastCheckpoint(
                    ArtifactRef.newBuilder()
                        .setKind(ArtifactKind.ARTIFACT_KIND_CHECKPOINT)
                        .setUri(store.relative(cp))));
    producer.sendAndWait(Events.envelope(runId, failed.build(), traceId));
    runs.save(state.failed(step, f.code().name(), f.getMessage()));
    completeKey(state, "FAILED");
    return Outcome.FAILED;
  }

  /** Commits the adapter and the run manifest; the TrainingCompleted describing them. */
  private TrainingCompleted complete(
      String runId,
      TrainingRequested request,
      RunInputs inputs,
      TrainingResult result,
      double baseEvalLoss,
      Path trainDir)
      throws IOException {
    RunDirectory dir = new RunDirectory(trainDir);
    Map<String, Double> metrics = metrics(result, baseEvalLoss);
    Map<String, Object> hyperparameters = engineManifest(dir.manifest());
    if (!store.exists(ArtifactKind.ARTIFACT_KIND_ADAPTER, runId)) {
      try (StagedArtifact s = store.stage(ArtifactKind.ARTIFACT_KIND_ADAPTER, runId)) {
        copyFiles(result.adapterDirectory(), s.dir());
        ManifestDetails details =
            ManifestDetails.create()
                .producer("trainer")
                .parent("base_model", inputs.modelRef())
                .parent("dataset", inputs.datasetRef())
                .hyperparameters(hyperparameters)
                .detail("run_id", runId)
                .labels(request.getLabelsMap());
        metrics.forEach(details::metric);
        s.commit(details);
      } catch (ArtifactExistsException e) {
        // An earlier attempt committed it and died before recording the run as completed.
        LOG.info("adapter {} was committed by an earlier attempt", runId);
      }
    }
    ArtifactRef adapter = store.ref(ArtifactKind.ARTIFACT_KIND_ADAPTER, runId);
    ManifestDetails runDetails =
        ManifestDetails.create()
            .producer("trainer")
            .parent("base_model", inputs.modelRef())
            .parent("dataset", inputs.datasetRef())
            .parent("adapter", adapter)
            .hyperparameters(hyperparameters)
            .detail("engine_manifest", RunStore.TRAIN_DIR + "/manifest.json")
            .detail("stop", result.stop().name().toLowerCase())
            .labels(request.getLabelsMap());
    metrics.forEach(runDetails::metric);
    store.writeManifest(ArtifactKind.ARTIFACT_KIND_RUN, runId, runDetails);
    return TrainingCompleted.newBuilder()
        .setRunId(runId)
        .setAdapter(adapter)
        .setManifestPath(store.relative(runs.runDir(runId).resolve("manifest.json")))
        .putAllMetrics(metrics)
        .setExport(request.getExport())
        .setPublish(request.getPublish())
        .setBaseModel(inputs.modelRef())
        .setLossCurvePath(store.relative(dir.lossCurve()))
        .build();
  }

  static Map<String, Double> metrics(TrainingResult r, double baseEvalLoss) {
    Map<String, Double> m = new LinkedHashMap<>();
    putFinite(m, "train_loss", r.lastLoss());
    putFinite(m, "eval_loss", r.lastEvalLoss());
    putFinite(m, "best_eval_loss", r.bestEvalLoss());
    putFinite(m, "base_eval_loss", baseEvalLoss);
    m.put("best_step", (double) r.bestStep());
    m.put("steps", (double) r.steps());
    m.put("total_steps", (double) r.totalSteps());
    m.put("tokens", (double) r.tokens());
    m.put("seconds", r.elapsedSeconds());
    return m;
  }

  private static void putFinite(Map<String, Double> m, String key, double v) {
    if (Double.isFinite(v)) {
      m.put(key, v);
    }
  }

  /** The engine manifest's lineage (method, base weights, LoRA settings) and training config. */
  private static Map<String, Object> engineManifest(Path file) throws IOException {
    Map<String, Object> out = new LinkedHashMap<>();
    if (!Files.isRegularFile(file)) {
      return out;
    }
    Map<String, Object> m = JSON.readValue(file.toFile(), new TypeReference<>() {});
    if (m.get("lineage") instanceof Map<?, ?> lineage) {
      lineage.forEach((k, v) -> out.put(String.valueOf(k), v));
    }
    if (m.get("config") instanceof Map<?, ?> config) {
      config.forEach((k, v) -> out.put(String.valueOf(k), v));
    }
    return out;
  }

  private static void copyFiles(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.copy(f, to.resolve(f.getFileName().toString()));
      }
    }
  }

  private static Optional<Path> lastCheckpoint(Path trainDir) {
    try {
      Path checkpoints = new RunDirectory(trainDir).checkpoints();
      return Files.isDirectory(checkpoints) ? Checkpoint.latest(checkpoints) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private void completeKey(RunState state, String status) {
    if (state.scope() == null || state.idempotencyKey() == null) {
      return;
    }
    store
        .processedKeys()
        .complete(
            state.scope(),
            state.idempotencyKey(),
            state.eventId() == null ? "" : state.eventId(),
            Map.of("run_id", state.runId(), "status", status));
  }

  private void publishAsync(String runId, String traceId, Message payload) {
    producer
        .send(Events.envelope(runId, payload, traceId))
        .whenComplete(
            (md, error) -> {
              if (error != null) {
                LOG.warn(
                    "run {}: could not publish {}: {}",
                    runId,
                    payload.getDescriptorForType().getName(),
                    error.toString());
              }
            });
  }
}
