package dev.armory.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.armory.events.v1.ArtifactKind;
import dev.armory.events.v1.ArtifactRef;
import dev.armory.events.v1.ExportOptions;
import dev.armory.events.v1.PublishOptions;
import dev.armory.events.v1.TrainingCompleted;
import dev.armory.events.v1.TrainingFailed;
import dev.armory.events.v1.TrainingProgress;
import dev.armory.events.v1.TrainingRequested;
import dev.armory.events.v1.TrainingStarted;
import dev.armory.platform.store.ArtifactStore;
import dev.armory.platform.store.ProcessedKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.MockProducer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One run through the worker on a tiny model, with the events captured by a mock producer. */
class RunWorkerTest {
  @TempDir static Path dir;
  static ArtifactStore store;

  @BeforeAll
  static void createStore() throws Exception {
    store = TinyStore.create(dir.resolve("store"));
  }

  static WorkerOptions options() {
    return WorkerOptions.defaults("worker-test")
        .withProgress(5, Duration.ofHours(1))
        .withDatasetWait(Duration.ofMillis(300));
  }

  static RunState accept(RunStore runs, TrainingRequested r) {
    RunState s =
        RunState.accepted(
            r.getRunId(),
            r.getIdempotencyKey(),
            "trainer",
            "ev-1",
            "trace-" + r.getRunId(),
            "local");
    assertTrue(runs.create(r, s));
    assertTrue(store.processedKeys().claim("trainer", r.getIdempotencyKey(), "ev-1"));
    return s;
  }

  @Test
  void aRunEndsWithItsAdapterInTheStoreAndTrainingCompleted() throws Exception {
    MockProducer<String, byte[]> mock = TinyStore.mockProducer();
    RunWorker worker = new RunWorker(store, TinyStore.producer(mock), options());
    TrainingRequested r =
        TinyStore.request("run-ok", 12).toBuilder()
            .setExport(ExportOptions.newBuilder().setEnabled(true).addPrecisions("fp16"))
            .setPublish(PublishOptions.newBuilder().setEnabled(true).setAdapterName("capitals"))
            .putLabels("team", "demo")
            .build();
    accept(worker.runs(), r);

    assertEquals(RunWorker.Outcome.COMPLETED, worker.run("run-ok", new RunHandle()));

    List<TrainingStarted> started = TinyStore.sent(mock, TrainingStarted.class);
    assertEquals(1, started.size());
    assertEquals(12, started.get(0).getTotalSteps());
    assertEquals(0, started.get(0).getResumedFromStep());
    assertEquals("runs/run-ok", started.get(0).getRunPath());
    List<Long> steps =
        TinyStore.sent(mock, TrainingProgress.class).stream()
            .map(TrainingProgress::getStep)
            .distinct()
            .toList();
    assertEquals(
        List.of(5L, 6L, 11L, 12L), steps, "5 steps after the last event, the evals (6, 12)");
    TrainingCompleted done = TinyStore.sent(mock, TrainingCompleted.class).get(0);
    assertEquals("run-ok", done.getRunId());
    assertEquals(ArtifactKind.ARTIFACT_KIND_ADAPTER, done.getAdapter().getKind());
    assertEquals("run-ok", done.getAdapter().getId());
    assertEquals(store.ref(ArtifactKind.ARTIFACT_KIND_ADAPTER, "run-ok"), done.getAdapter());
    assertEquals("runs/run-ok/manifest.json", done.getManifestPath());
    assertEquals("runs/run-ok/train/loss.png", done.getLossCurvePath());
    assertTrue(Files.isRegularFile(store.root().resolve(done.getLossCurvePath())));
    assertEquals(r.getExport(), done.getExport());
    assertEquals(r.getPublish(), done.getPublish());
    assertEquals(store.ref(ArtifactKind.ARTIFACT_KIND_MODEL, "tiny"), done.getBaseModel());
    assertEquals(12.0, done.getMetricsOrThrow("steps"));
    assertTrue(done.getMetricsOrThrow("train_loss") > 0);
    assertTrue(done.containsMetrics("eval_loss"));
    assertTrue(
        done.getMetricsOrThrow("train_loss") < done.getMetricsOrThrow("base_eval_loss"),
        "the tiny model learns something in 12 steps: " + done.getMetricsMap());
    // every event of the run carries the request's trace id and the run id as key
    mock.history()
        .forEach(
            rec -> {
              assertEquals("run-ok", rec.key());
              assertEquals(
                  "trace-run-ok", new String(rec.headers().lastHeader("armory-trace-id").value()));
            });

    Path adapter = store.dir(ArtifactKind.ARTIFACT_KIND_ADAPTER, "run-ok");
    assertTrue(Files.isRegularFile(adapter.resolve("adapter_model.safetensors")));
    assertTrue(Files.isRegularFile(adapter.resolve("adapter_config.json")));
    var manifest = store.manifest(ArtifactKind.ARTIFACT_KIND_ADAPTER, "run-ok").orElseThrow();
    assertEquals("nf4", manifest.hyperparameters().get("base_weights"));
    assertEquals(8, manifest.hyperparameters().get("lora_r"));
    assertEquals("demo", manifest.labels().get("team"));
    assertTrue(manifest.parents().stream().anyMatch(p -> p.role().equals("dataset")));
    assertTrue(store.exists(ArtifactKind.ARTIFACT_KIND_RUN, "run-ok"), "run manifest written");
    RunState state = worker.runs().state("run-ok").orElseThrow();
    assertEquals(RunState.Status.COMPLETED, state.status());
    assertEquals(12, state.lastStep());
    assertEquals(1, state.attempts());
    assertEquals(
        ProcessedKeys.State.DONE,
        store.processedKeys().find("trainer", "key-run-ok").orElseThrow().state());

    // a finished run is never run again
    assertEquals(RunWorker.Outcome.ALREADY_FINISHED, worker.run("run-ok", new RunHandle()));
    assertEquals(1, TinyStore.sent(mock, TrainingCompleted.class).size());
  }

  @Test
  void aStoppedRunResumesFromItsCheckpointAndContinuesItsSteps() throws Exception {
    MockProducer<String, byte[]> mock = TinyStore.mockProducer();
    RunWorker worker = new RunWorker(store, TinyStore.producer(mock), options());
    accept(worker.runs(), TinyStore.request("run-stop", 20));
    RunHandle first = new RunHandle();
    first.requestStop(); // before it starts: it runs one step and checkpoints

    assertEquals(RunWorker.Outcome.STOPPED, worker.run("run-stop", first));
    RunState stopped = worker.runs().state("run-stop").orElseThrow();
    assertEquals(RunState.Status.RUNNING, stopped.status(), "a stopped run is still to be done");
    assertTrue(stopped.lastStep() >= 1);
    assertEquals(
        List.of(stopped),
        worker.runs().unfinished().stream().filter(s -> s.runId().equals("run-stop")).toList());

    assertEquals(RunWorker.Outcome.COMPLETED, worker.run("run-stop", new RunHandle()));
    List<TrainingStarted> started = TinyStore.sent(mock, TrainingStarted.class);
    assertEquals(2, started.size());
    assertEquals(stopped.lastStep(), started.get(1).getResumedFromStep());
    // metrics.jsonl continues where the stopped session left off: train steps strictly increase
    List<Integer> logged = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    for (String line :
        Files.readAllLines(worker.runs().trainDir("run-stop").resolve("metrics.jsonl"))) {
      JsonNode n = json.readTree(line);
      if (n.path("type").asText().equals("train")) {
        logged.add(n.get("step").asInt());
      }
    }
    assertFalse(logged.isEmpty());
    for (int i = 1; i < logged.size(); i++) {
      assertTrue(logged.get(i) > logged.get(i - 1), "steps logged once each: " + logged);
    }
    assertEquals(20, logged.get(logged.size() - 1));
    RunState done = worker.runs().state("run-stop").orElseThrow();
    assertEquals(2, done.attempts());
    assertEquals(20, done.lastStep());
    assertEquals(1, TinyStore.sent(mock, TrainingCompleted.class).size());
  }

  @Test
  void aMissingModelOrDatasetFailsTheRunWithItsCode() throws Exception {
    MockProducer<String, byte[]> mock = TinyStore.mockProducer();
    RunWorker worker = new RunWorker(store, TinyStore.producer(mock), options());
    accept(
        worker.runs(),
        TinyStore.request("run-nomodel", 5).toBuilder()
            .setBaseModel(
                ArtifactRef.newBuilder().setKind(ArtifactKind.ARTIFACT_KIND_MODEL).setId("gone"))
            .build());
    accept(
        worker.runs(),
        TinyStore.request("run-nodata", 5).toBuilder()
            .setDataset(TinyStore.dataset("never"))
            .build());

    assertEquals(RunWorker.Outcome.FAILED, worker.run("run-nomodel", new RunHandle()));
    assertEquals(RunWorker.Outcome.FAILED, worker.run("run-nodata", new RunHandle()));

    List<TrainingFailed> failed = TinyStore.sent(mock, TrainingFailed.class);
    assertEquals(2, failed.size());
    assertEquals("MODEL_NOT_FOUND", failed.get(0).getCode());
    assertTrue(failed.get(0).getReason().contains("models/gone"), failed.get(0).getReason());
    assertEquals("DATASET_NOT_FOUND", failed.get(1).getCode());
    assertTrue(failed.get(1).getReason().contains("datasets/never"), failed.get(1).getReason());
    assertEquals(RunState.Status.FAILED, worker.runs().state("run-nodata").orElseThrow().status());
    assertEquals(
        "DATASET_NOT_FOUND", worker.runs().state("run-nodata").orElseThrow().failureCode());
    assertEquals(
        Map.of("run_id", "run-nodata", "status", "FAILED"),
        store.processedKeys().find("trainer", "key-run-nodata").orElseThrow().result());
  }

  @Test
  void aRunWithoutAStoredRequestSaysHowToGiveOne() {
    RunWorker worker =
        new RunWorker(store, TinyStore.producer(TinyStore.mockProducer()), options());
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> worker.run("nobody", new RunHandle()));
    assertTrue(e.getMessage().contains("--request"), e.getMessage());
  }
}
