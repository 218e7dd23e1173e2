package dev.armory.cli;

import dev.armory.engine.data.DemoDatasets;
import dev.armory.engine.fixtures.TinyModelGenerator;
import dev.armory.events.v1.AdapterConfig;
import dev.armory.events.v1.AdapterMethod;
import dev.armory.events.v1.AdapterPublished;
import dev.armory.events.v1.ArtifactKind;
import dev.armory.events.v1.ArtifactRef;
import dev.armory.events.v1.DatasetIngestRequested;
import dev.armory.events.v1.DatasetIngested;
import dev.armory.events.v1.DatasetRejected;
import dev.armory.events.v1.Envelope;
import dev.armory.events.v1.ExportOptions;
import dev.armory.events.v1.ExportedArtifact;
import dev.armory.events.v1.Hyperparameters;
import dev.armory.events.v1.ModelExported;
import dev.armory.events.v1.PublishOptions;
import dev.armory.events.v1.TrainingCompleted;
import dev.armory.events.v1.TrainingFailed;
import dev.armory.events.v1.TrainingRequested;
import dev.armory.platform.PlatformConfig;
import dev.armory.platform.events.EventProducer;
import dev.armory.platform.events.Events;
import dev.armory.platform.events.Topics;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code armory demo}: Armory's main job through its event-driven platform, in one process: the
 * embedded Kafka broker and every service start, the bundled instruction dataset is ingested, a
 * TrainingRequested starts a QLoRA run whose progress bar is fed by TrainingProgress events, the
 * adapter is exported and published, and the base model and the adapter answer the same prompts
 * over the gRPC API, side by side.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Armory's main job end to end on the embedded event-driven platform, in one JVM.",
      "A real Kafka broker in KRaft mode and the ingestion, trainer, exporter and inference"
          + " services start; the bundled instruction dataset is ingested; a TrainingRequested"
          + " starts a QLoRA run whose progress bar follows its TrainingProgress events; the"
          + " result is exported to ONNX and published; inference hot-loads the adapter, and the"
          + " base model and the adapter answer the same questions over gRPC, side by side.",
      "Without a model directory a tiny random-weight Llama is generated first (nothing is"
          + " downloaded), so the base model's answers are noise and the adapter's are what it"
          + " learnt."
    })
final class DemoCommand implements Callable<Integer> {
  static final List<String> PROMPTS =
      List.of(
          "What is the capital of France?",
          "What is the capital of Japan?",
          "What is the opposite of hot?");

  /** How long one stage (ingestion, training, export, loading) may take. */
  static final Duration STAGE_TIMEOUT = Duration.ofMinutes(20);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--workdir",
      paramLabel = "DIR",
      description =
          "Where the platform keeps its Kafka data and artifact store (default: a new temporary"
              + " directory). Reusing one keeps earlier runs.")
  Path workdir;

  @Option(
      names = "--model",
      paramLabel = "DIR",
      description = "Use this Hugging Face model directory instead of generating a tiny one.")
  Path model;

  @Option(
      names = "--steps",
      defaultValue = "600",
      description = "Training steps (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "" + TinyModelGenerator.DEFAULT_SEED,
      description = "Seed of the adapter init and data order (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--no-progress",
      description = "Print one line per progress event instead of a progress bar.")
  boolean noProgress;

  @Override
  public Integer call() throws Exception {
    if (steps < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--steps must be >= 1");
    }
    Path dir = workdir != null ? workdir : Files.createTempDirectory("armory-demo-");
    PrintWriter out = spec.commandLine().getOut();
    String id =
        "demo-"
            + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
            + "-"
            + UUID.randomUUID().toString().substring(0, 4);
    EmbeddedPlatform.Options options =
        new EmbeddedPlatform.Options(
            dir,
            null,
            0,
            model,
            0,
            -1,
            -1,
            1,
            Map.of(
                // the demo asks questions from the data, so nothing is held out
                "armory.ingestion.eval-fraction",
                0.0,
                "armory.trainer.progress-every-steps",
                Math.max(1, steps / 100),
                "armory.trainer.progress-interval",
                "500ms"));
    long t0 = System.nanoTime();
    try (EmbeddedPlatform platform = EmbeddedPlatform.start(options);
        EventProducer producer =
            new EventProducer(
                PlatformConfig.of(platform.bootstrapServers(), platform.store().root(), "demo"));
        EventWatch events = new EventWatch(platform.bootstrapServers(), Topics.all(), Set.of(id))) {
      out.printf(
          "1. Armory up in this JVM: Kafka %s (embedded KRaft), gRPC localhost:%d, store %s%n",
          platform.bootstrapServers(), platform.grpcPort(), platform.store().root());
      out.println(
          "   base model: "
              + (model == null
                  ? "tiny random-weight Llama (" + rel(platform, platform.modelDir()) + ")"
                  : platform.modelDir().toString()));
      out.flush();

      Path data =
          DemoDatasets.copy(DemoDatasets.INSTRUCTIONS, dir.resolve("demo-instructions.jsonl"));
      producer.sendAndWait(
          Events.envelope(
              id,
              DatasetIngestRequested.newBuilder()
                  .setDatasetId(id)
                  .setSourceUri(data.toString())
                  .setTokenizerModel(platform.baseModel())
                  .setMaxSeqLen(128)
                  .build()));
      out.println("2. DatasetIngestRequested " + id + ": the bundled instructions (" + data + ")");
      out.flush();
      DatasetIngested ingested = awaitIngested(events, id);
      out.printf(
          Locale.ROOT,
          "   DatasetIngested: %d records (%d train, %d eval), %d bad lines, %d duplicates;"
              + " %.1f tokens per record (max %d)%n",
          ingested.getRecordsAccepted(),
          ingested.getTrainRecords(),
          ingested.getEvalRecords(),
          ingested.getBadLines(),
          ingested.getDuplicatesRemoved(),
          ingested.getTokenStats().getMeanTokens(),
          ingested.getTokenStats().getMaxTokens());

      producer.sendAndWait(Events.envelope(id, trainingRequest(id, platform.baseModel())));
      out.println(
          "3. TrainingRequested "
              + id
              + ": QLoRA (NF4 base, LoRA r=64 on all linear layers), "
              + steps
              + " steps");
      out.flush();
      Outcome outcome = awaitTrainedExportedPublished(events, id, out);
      TrainingCompleted done = outcome.completed();
      out.printf(
          Locale.ROOT,
          "   TrainingCompleted: %.0f steps, training loss %.3f, %.1f s%n",
          done.getMetricsOrDefault("steps", 0),
          done.getMetricsOrDefault("train_loss", Double.NaN),
          done.getMetricsOrDefault("seconds", Double.NaN));
      for (ExportedArtifact a : outcome.exported().getArtifactsList()) {
        out.printf(
            Locale.ROOT,
            "4. ModelExported: %s ONNX in %s, parity max abs %.1e (%s), report %s%n",
            a.getPrecision(),
            a.getModel().getUri(),
            a.getMaxAbsLogitDiff(),
            a.getParityPassed() ? "passed" : "FAILED",
            a.getParityReportPath());
      }
      String adapter = outcome.published().getAdapterName();
      try (InferenceClient client = new InferenceClient("localhost", platform.grpcPort())) {
        if (!client.awaitAdapter(adapter, Duration.ofMinutes(2))) {
          throw new IllegalStateException(
              "inference did not load the published adapter '" + adapter + "' within 2 minutes");
        }
        out.println(
            "5. AdapterPublished '"
                + adapter
                + "', hot-loaded by inference; the same questions over gRPC (greedy):");
        for (String question : PROMPTS) {
          out.println("   Q: " + question);
          out.println("      base:    " + client.ask(question, "", 24));
          out.println("      adapter: " + client.ask(question, adapter, 24));
        }
      }
      Path store = platform.store().root();
      out.println();
      out.println(
          "adapter (Hugging Face PEFT format): " + platform.store().resolve(done.getAdapter()));
      out.println("loss curve: " + store.resolve(done.getLossCurvePath()));
      out.println(
          "metrics: "
              + store.resolve("runs/" + id + "/train/metrics.jsonl")
              + "; run manifest: "
              + store.resolve(done.getManifestPath()));
      out.printf(Locale.ROOT, "done in %.0f s%n", (System.nanoTime() - t0) / 1e9);
      out.flush();
    }
    return 0;
  }

  private TrainingRequested trainingRequest(String id, ArtifactRef baseModel) {
    return TrainingRequested.newBuilder()
        .setRunId(id)
        .setIdempotencyKey(id)
        .setBaseModel(baseModel)
        .setDataset(ArtifactRef.newBuilder().setKind(ArtifactKind.ARTIFACT_KIND_DATASET).setId(id))
        .setAdapter(
            AdapterConfig.newBuilder()
                .setMethod(AdapterMethod.ADAPTER_METHOD_QLORA)
                .setR(64)
                .setAlpha(128)
                .addTargetModules("all-linear"))
        .setHyperparameters(
            Hyperparameters.newBuilder()
                .setLearningRate(model == null ? 3e-3 : 2e-4)
                .setWarmupSteps(10)
                .setMaxSteps(steps)
                .setMicroBatchSize(8)
                .setMaxSeqLen(128)
                .setSaveEverySteps(Math.max(1, steps / 2))
                .setSeed(seed))
        .setExport(ExportOptions.newBuilder().setEnabled(true).addPrecisions("fp32"))
        .setPublish(PublishOptions.newBuilder().setEnabled(true).setAdapterName(id))
        .setRequestedBy("armory demo")
        .build();
  }

  private static DatasetIngested awaitIngested(EventWatch events, String id) throws Exception {
    long deadline = System.nanoTime() + STAGE_TIMEOUT.toNanos();
    while (System.nanoTime() - deadline < 0) {
      Envelope e = events.next(Duration.ofMillis(500));
      if (e == null) {
        continue;
      }
      if (e.hasDatasetIngested()) {
        return e.getDatasetIngested();
      }
      if (e.hasDatasetRejected()) {
        DatasetRejected r = e.getDatasetRejected();
        throw new IllegalStateException("the demo dataset was rejected: " + r.getReason());
      }
    }
    throw new IllegalStateException("no DatasetIngested for " + id + " within " + STAGE_TIMEOUT);
  }

  /** The run's final events. */
  record Outcome(TrainingCompleted completed, ModelExported exported, AdapterPublished published) {}

  private Outcome awaitTrainedExportedPublished(EventWatch events, String id, PrintWriter out)
      throws Exception {
    TrainingCompleted completed = null;
    ModelExported exported = null;
    AdapterPublished published = null;
    try (EventProgressBar bar =
        new EventProgressBar(
            noProgress ? null : WriterPrintStream.of(spec.commandLine().getErr()), out)) {
      long deadline = System.nanoTime() + STAGE_TIMEOUT.toNanos();
      while (completed == null || exported == null || published == null) {
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException(
              "run "
                  + id
                  + " did not complete, export and publish within "
                  + STAGE_TIMEOUT
                  + " (completed: "
                  + (completed != null)
                  + ", exported: "
                  + (exported != null)
                  + ", published: "
                  + (published != null)
                  + ")");
        }
        Envelope e = events.next(Duration.ofMillis(500));
        if (e == null) {
          continue;
        }
        switch (e.getPayloadCase()) {
          case TRAINING_STARTED:
            bar.started(e.getTrainingStarted());
            break;
          case TRAINING_PROGRESS:
            bar.progressed(e.getTrainingProgress());
            break;
          case TRAINING_COMPLETED:
            completed = e.getTrainingCompleted();
            bar.close();
            break;
          case TRAINING_FAILED:
            bar.close();
            TrainingFailed f = e.getTrainingFailed();
            throw new IllegalStateException(
                "run " + id + " failed (" + f.getCode() + "): " + f.getReason());
          case MODEL_EXPORTED:
            exported = e.getModelExported();
            break;
          case ADAPTER_PUBLISHED:
            published = e.getAdapterPublished();
            break;
          default:
            break;
        }
      }
    }
    return new Outcome(completed, exported, published);
  }

  private static String rel(EmbeddedPlatform platform, Path p) {
    return platform.store().relative(p);
  }
}
