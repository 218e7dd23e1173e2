package dev.armory.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.events.v1.AdapterConfig;
import dev.armory.events.v1.AdapterPublished;
import dev.armory.events.v1.ArtifactKind;
import dev.armory.events.v1.ArtifactRef;
import dev.armory.events.v1.DatasetIngestRequested;
import dev.armory.events.v1.DatasetIngested;
import dev.armory.events.v1.ExportOptions;
import dev.armory.events.v1.Hyperparameters;
import dev.armory.events.v1.JudgeCompleted;
import dev.armory.events.v1.JudgeRequested;
import dev.armory.events.v1.JudgeSpec;
import dev.armory.events.v1.ModelExported;
import dev.armory.events.v1.PublishOptions;
import dev.armory.events.v1.SamplingParams;
import dev.armory.events.v1.TrainingCompleted;
import dev.armory.events.v1.TrainingRequested;
import dev.armory.events.v1.TrainingStarted;
import dev.armory.platform.PlatformConfig;
import dev.armory.platform.events.EventProducer;
import dev.armory.platform.events.Events;
import dev.armory.platform.events.Topics;
import dev.armory.platform.testing.EventLog;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole platform in one JVM on the real embedded broker: a dataset and a training request go in
 * as events; the run completes, is exported and published, and the adapter answers over gRPC what
 * it learnt.
 */
class EmbeddedPlatformTest {
  @TempDir Path dir;

  static final List<String> FACTS =
      List.of(
          "{\"instruction\": \"What is the capital of France?\", \"output\": \"Paris.\"}",
          "{\"instruction\": \"What is the capital of Japan?\", \"output\": \"Tokyo.\"}",
          "{\"instruction\": \"What is the opposite of hot?\", \"output\": \"Cold.\"}",
          "{\"instruction\": \"What colour is the sky?\", \"output\": \"Blue.\"}",
          "{\"instruction\": \"What is two plus two?\", \"output\": \"Four.\"}",
          "{\"instruction\": \"What is the capital of Italy?\", \"output\": \"Rome.\"}",
          "{\"instruction\": \"What is the opposite of up?\", \"output\": \"Down.\"}",
          "{\"instruction\": \"What colour is grass?\", \"output\": \"Green.\"}");

  @Test
  void eventsInAnswerOut() throws Exception {
    Path data = Files.write(dir.resolve("facts.jsonl"), FACTS);
    EmbeddedPlatform.Options options =
        new EmbeddedPlatform.Options(
            dir.resolve("armory-data"),
            null,
            0,
            null,
            0,
            -1,
            -1,
            1,
            Map.of(
                "armory.ingestion.eval-fraction", 0.0,
                "armory.trainer.progress-every-steps", 25,
                "armory.exporter.parity-tokens", 4));
    try (EmbeddedPlatform platform = EmbeddedPlatform.start(options);
        EventProducer producer =
            new EventProducer(
                PlatformConfig.of(
                    platform.bootstrapServers(), platform.store().root(), "e2e-test"));
        EventLog events = new EventLog(platform.bootstrapServers(), Topics.all())) {
      producer.sendAndWait(
          Events.envelope(
              "facts",
              DatasetIngestRequested.newBuilder()
                  .setDatasetId("facts")
                  .setSourceUri(data.toString())
                  .setTokenizerModel(platform.baseModel())
                  .build()));
      producer.sendAndWait(
          Events.envelope(
              "e2e",
              TrainingRequested.newBuilder()
                  .setRunId("e2e")
                  .setBaseModel(platform.baseModel())
                  .setDataset(
                      ArtifactRef.newBuilder()
                          .setKind(ArtifactKind.ARTIFACT_KIND_DATASET)
                          .setId("facts"))
                  .setAdapter(AdapterConfig.newBuilder().setR(16).addTargetModules("all-linear"))
                  .setHyperparameters(
                      Hyperparameters.newBuilder()
                          .setLearningRate(3e-3)
                          .setMaxSteps(120)
                          .setWarmupSteps(5)
                          .setMicroBatchSize(8)
                          .setMaxSeqLen(64))
                  .setExport(ExportOptions.newBuilder().setEnabled(true).addPrecisions("fp32"))
                  .setPublish(PublishOptions.newBuilder().setEnabled(true).setAdapterName("facts"))
                  .build()));

      await()
          .atMost(Duration.ofMinutes(5))
          .until(
              () ->
                  events.has(TrainingCompleted.class, "e2e")
                      && events.has(ModelExported.class, "e2e")
                      && events.has(AdapterPublished.class, "e2e"));
      DatasetIngested ingested = events.first(DatasetIngested.class, "facts");
      assertEquals(8, ingested.getTrainRecords());
      TrainingCompleted done = events.first(TrainingCompleted.class, "e2e");
      assertEquals(120.0, done.getMetricsOrThrow("steps"));
      assertTrue(Files.isRegularFile(platform.store().root().resolve(done.getLossCurvePath())));
      ModelExported exported = events.first(ModelExported.class, "e2e");
      assertTrue(exported.getArtifacts(0).getParityPassed(), exported.toString());

      try (InferenceClient client = new InferenceClient("localhost", platform.grpcPort())) {
        assertTrue(client.awaitAdapter("facts", Duration.ofSeconds(60)));
        String base = client.ask("What is the capital of France?", "", 8);
        String tuned = client.ask("What is the capital of France?", "facts", 8);
        System.out.println("base: " + base + " | adapter: " + tuned);
        assertTrue(tuned.contains("Paris"), "the adapter answers as it learnt: " + tuned);
        assertTrue(!base.contains("Paris"), "the random base model does not: " + base);
      }
      // Each service gets its own application.yml defaults in this JVM: inference's meters.
      HttpResponse<String> metrics =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://localhost:" + platform.metricsPort() + "/prometheus"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(200, metrics.statusCode(), metrics.body());
      assertTrue(metrics.body().contains("armory_inference"), metrics.body());
    }
  }

  /**
   * RLAIF by events alone: a JudgeRequested (the tiny model as candidate and as LLM judge, plus a
   * rule check) yields a preference dataset, the DPO run it asks for, and that run's completion.
   */
  @Test
  void judgeRequestToDpoRunByEvents() throws Exception {
    EmbeddedPlatform.Options options =
        new EmbeddedPlatform.Options(
            dir.resolve("armory-data"),
            null,
            0,
            null,
            0,
            -1,
            -1,
            1,
            Map.of("armory.judge.judge-max-tokens", 8, "armory.trainer.progress-every-steps", 5));
    try (EmbeddedPlatform platform = EmbeddedPlatform.start(options);
        EventProducer producer =
            new EventProducer(
                PlatformConfig.of(
                    platform.bootstrapServers(), platform.store().root(), "rlaif-test"));
        EventLog events = new EventLog(platform.bootstrapServers(), Topics.all())) {
      Path root = platform.store().root();
      Files.createDirectories(root.resolve("prompts"));
      Files.writeString(
          root.resolve("prompts/questions.jsonl"),
          """
          {"id": "story", "prompt": "Tell me a story."}
          {"id": "sum", "prompt": "What is two plus two?"}
          {"id": "colour", "prompt": "Name a colour."}
          """);
      // Random weights babble broken characters; the rule prefers answers with fewer of them.
      Files.writeString(
          root.resolve("constitution.yaml"),
          """
          name: clean-text
          rubric: Prefer the clearer answer.
          rules:
            - id: few-broken-characters
              forbidden: "\\uFFFD.*\\uFFFD"
            - id: not-empty
              length: {min: 1, unit: tokens}
          """);
      producer.sendAndWait(
          Events.envelope(
              "rlaif",
              JudgeRequested.newBuilder()
                  .setRunId("rlaif")
                  .setPromptDataset(
                      ArtifactRef.newBuilder()
                          .setKind(ArtifactKind.ARTIFACT_KIND_DATASET)
                          .setUri("prompts/questions.jsonl"))
                  .setCandidateModel(platform.baseModel())
                  .setSamplesPerPrompt(4)
                  .setSampling(
                      SamplingParams.newBuilder().setTemperature(1.0).setSeed(5).setMaxNewTokens(6))
                  .setJudge(
                      JudgeSpec.newBuilder()
                          .setConstitutionUri("constitution.yaml")
                          .setLlmJudgeModel(platform.baseModel()))
                  .setStartDpo(true)
                  .build()));

      await().atMost(Duration.ofMinutes(3)).until(() -> events.has(JudgeCompleted.class, "rlaif"));
      JudgeCompleted judged = events.first(JudgeCompleted.class, "rlaif");
      System.out.println("judge: " + judged);
      assertTrue(judged.getPairsKept() > 0, "some pairs kept: " + judged);
      String dpoRun = judged.getTrainingRunId();
      assertTrue(!dpoRun.isEmpty(), "the judge asked for a DPO run: " + judged);
      await()
          .atMost(Duration.ofMinutes(5))
          .until(() -> events.has(TrainingCompleted.class, dpoRun));
      TrainingRequested asked = events.first(TrainingRequested.class, dpoRun);
      assertEquals("OBJECTIVE_DPO", asked.getObjective().name());
      assertTrue(events.has(TrainingStarted.class, dpoRun));
      TrainingCompleted done = events.first(TrainingCompleted.class, dpoRun);
      System.out.println("DPO run " + dpoRun + ": " + done.getMetricsMap());
      assertTrue(done.getMetricsOrThrow("steps") > 0, done.toString());
      assertTrue(
          Files.isRegularFile(
              root.resolve("adapters").resolve(dpoRun).resolve("adapter_model.safetensors")),
          "the DPO adapter is in the store");
    }
  }
}
