package dev.armory.judge;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.armory.engine.data.Dataset;
import dev.armory.engine.data.JsonlDatasetReader;
import dev.armory.engine.data.ReadOptions;
import dev.armory.engine.fixtures.TinyModelGenerator;
import dev.armory.engine.hf.ModelType;
import dev.armory.events.v1.ArtifactKind;
import dev.armory.events.v1.ArtifactRef;
import dev.armory.events.v1.DatasetIngested;
import dev.armory.events.v1.DatasetKind;
import dev.armory.events.v1.Envelope;
import dev.armory.events.v1.JudgeCompleted;
import dev.armory.events.v1.JudgeRequested;
import dev.armory.events.v1.JudgeSpec;
import dev.armory.events.v1.Objective;
import dev.armory.events.v1.SamplingParams;
import dev.armory.events.v1.TrainingRequested;
import dev.armory.inference.InferenceServer;
import dev.armory.platform.PlatformConfig;
import dev.armory.platform.events.EventCodec;
import dev.armory.platform.events.EventHeaders;
import dev.armory.platform.events.EventProducer;
import dev.armory.platform.events.Events;
import dev.armory.platform.events.Topics;
import dev.armory.platform.kafka.EmbeddedKafka;
import dev.armory.platform.store.ArtifactStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The judge service on a real embedded broker, sampling from and judging with a real inference gRPC
 * server over a tiny random Llama: JudgeRequested in, a stored preference dataset and
 * DatasetIngested / TrainingRequested (DPO) / JudgeCompleted out; malformed requests to the
 * dead-letter topic with their reason.
 */
class JudgeServiceTest {
  /** Rules as in the engine's tiny-model test: a random model's answers often break characters. */
  static final String CONSTITUTION =
      """
      name: clean-text
      rubric: Prefer the clearer answer.
      rules:
        - id: few-broken-characters
          forbidden: "\\uFFFD.*\\uFFFD"
        - id: not-empty
          length: {min: 1, unit: tokens}
      """;

  @TempDir static Path dir;
  static EmbeddedKafka kafka;
  static InferenceServer inference;
  static JudgeServer judge;
  static ArtifactStore store;
  static EventProducer producer;
  static KafkaConsumer<String, byte[]> consumer;
  static Thread collector;
  static volatile boolean collecting = true;
  static final List<ConsumerRecord<String, byte[]>> published = new CopyOnWriteArrayList<>();
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void start() throws Exception {
    kafka = EmbeddedKafka.start(dir.resolve("kafka"));
    kafka.createTopics(Topics.all(), 1);
    Path storeRoot = dir.resolve("store");
    store = ArtifactStore.open(storeRoot);
    // The model lives in the store, so its id there is also the id the server serves it under.
    Path model = store.dir(ArtifactKind.ARTIFACT_KIND_MODEL, "tiny-llama");
    TinyModelGenerator.generate(ModelType.LLAMA, model, 3);
    Files.createDirectories(storeRoot.resolve("prompts"));
    Files.writeString(
        storeRoot.resolve("prompts/questions.jsonl"),
        """
        {"id": "story", "prompt": "Tell me a story."}
        {"id": "sum", "prompt": "What is two plus two?"}
        {"id": "colour", "prompt": "Name a colour."}
        """,
        StandardCharsets.UTF_8);
    Files.writeString(storeRoot.resolve("constitution.yaml"), CONSTITUTION, StandardCharsets.UTF_8);

    Map<String, Object> serving = new HashMap<>();
    serving.put("armory.inference.model-dir", model.toString());
    serving.put("armory.inference.max-tokens", 64);
    serving.put("armory.inference.default-max-tokens", 16);
    serving.put("grpc.server.port", 0);
    inference = InferenceServer.start(serving);

    judge =
        JudgeServer.start(
            Map.of(
                "armory.kafka.bootstrap-servers",
                kafka.bootstrapServers(),
                "armory.store.root",
                storeRoot.toString(),
                "armory.judge.inference-target",
                "localhost:" + inference.port(),
                "armory.judge.judge-max-tokens",
                8,
                "armory.judge.call-timeout",
                "60s"));
    PlatformConfig config = PlatformConfig.of(kafka.bootstrapServers(), storeRoot, "test");
    producer = new EventProducer(config);
    consumer = new KafkaConsumer<>(config.consumerProperties("test-results"));
    consumer.subscribe(
        List.of(
            Topics.DATASET_INGESTED,
            Topics.TRAINING_REQUESTED,
            Topics.JUDGE_COMPLETED,
            Topics.DEAD_LETTER));
    collector =
        new Thread(
            () -> {
              while (collecting) {
                consumer.poll(Duration.ofMillis(100)).forEach(published::add);
              }
            },
            "test-collector");
    collector.start();
  }

  @AfterAll
  static void stop() throws Exception {
    collecting = false;
    if (collector != null) {
      collector.join();
      consumer.close();
    }
    if (producer != null) {
      producer.close();
    }
    if (judge != null) {
      judge.close();
    }
    if (inference != null) {
      inference.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  static ArtifactRef model() {
    return ArtifactRef.newBuilder()
        .setKind(ArtifactKind.ARTIFACT_KIND_MODEL)
        .setId("tiny-llama")
        .build();
  }

  static JudgeRequested.Builder request(String runId) {
    return JudgeRequested.newBuilder()
        .setRunId(runId)
        .setPromptDataset(
            ArtifactRef.newBuilder()
                .setKind(ArtifactKind.ARTIFACT_KIND_DATASET)
                .setUri("prompts/questions.jsonl"))
        .setCandidateModel(model())
        .setSamplesPerPrompt(4)
        .setSampling(SamplingParams.newBuilder().setTemperature(1.0).setSeed(5).setMaxNewTokens(6))
        .setJudge(
            JudgeSpec.newBuilder()
                .setConstitutionUri("constitution.yaml")
                .setLlmJudgeModel(model()));
  }

  /** Envelopes published on {@code topic} for {@code key}, decoded. */
  static List<Envelope> events(String topic, String key) {
    return published.stream()
        .filter(r -> r.topic().equals(topic) && key.equals(r.key()))
        .map(
            r -> {
              try {
                return EventCodec.decode(r);
              } catch (Exception e) {
                throw new AssertionError(e);
              }
            })
        .toList();
  }

  static void awaitRecord(Predicate<ConsumerRecord<String, byte[]>> p) {
    await().atMost(Duration.ofSeconds(120)).until(() -> published.stream().anyMatch(p));
  }

  static void awaitCompleted(String runId) {
    awaitRecord(r -> r.topic().equals(Topics.JUDGE_COMPLETED) && runId.equals(r.key()));
  }

  @Test
  void judgeRequestBecomesAPreferenceDatasetAndADpoRunOnceOnly() throws Exception {
    JudgeRequested request = request("rlaif-1").setStartDpo(true).build();
    producer.sendAndWait(Events.envelope("rlaif-1", request));
    awaitCompleted("rlaif-1");

    JudgeCompleted done =
        Events.payload(events(Topics.JUDGE_COMPLETED, "rlaif-1").get(0), JudgeCompleted.class);
    System.out.println("judge summary: " + EventCodec.toJson(done));
    assertEquals("rlaif-1-prefs", done.getDatasetId());
    assertEquals(3, done.getPrompts());
    assertEquals(12, done.getCandidates());
    assertTrue(done.getPairsKept() > 0, "the rules decide some pairs");
    long dropped = done.getDroppedMap().values().stream().mapToLong(Long::longValue).sum();
    assertEquals(done.getPairsCompared(), done.getPairsKept() + dropped);
    // A random tiny judge gives no verdicts: what reached it is counted, never used.
    assertEquals(0, done.getKeptByLlm());
    assertEquals(done.getPairsKept(), done.getKeptByRules());

    DatasetIngested ingested =
        Events.payload(
            events(Topics.DATASET_INGESTED, "rlaif-1-prefs").get(0), DatasetIngested.class);
    assertEquals(DatasetKind.DATASET_KIND_PREFERENCE, ingested.getKind());
    assertEquals("rlaif-1-prefs", ingested.getDataset().getId());
    assertEquals(
        ingested.getRecordsAccepted(), ingested.getTrainRecords() + ingested.getEvalRecords());
    assertTrue(store.manifest(ArtifactKind.ARTIFACT_KIND_DATASET, "rlaif-1-prefs").isPresent());

    // The stored pairs: readable as preference records by the trainer's reader, obeying the rules.
    Path data = store.dir(ArtifactKind.ARTIFACT_KIND_DATASET, "rlaif-1-prefs");
    Dataset train =
        JsonlDatasetReader.read(data.resolve("train.jsonl"), new ReadOptions(null, false, true));
    assertTrue(train.isPreference());
    assertEquals(ingested.getTrainRecords(), train.records().size());
    List<String> source = Files.readAllLines(data.resolve("source.jsonl"));
    assertEquals(done.getPairsKept(), source.size());
    for (String line : source) {
      JsonNode pair = JSON.readTree(line);
      String chosen = pair.path("chosen").get(0).path("content").asText();
      String rejected = pair.path("rejected").get(0).path("content").asText();
      assertFalse(chosen.isBlank() || chosen.matches("(?s).*\uFFFD.*\uFFFD.*"), line);
      assertTrue(rejected.isBlank() || rejected.matches("(?s).*\uFFFD.*\uFFFD.*"), line);
      assertEquals("rules:clean-text", pair.path("judge").asText());
      assertFalse(pair.path("rationale").asText().isEmpty());
    }
    JsonNode summary = JSON.readTree(data.resolve("judge-summary.json").toFile());
    assertEquals(done.getPairsKept(), summary.path("pairs_kept").asLong());

    TrainingRequested training =
        Events.payload(
            events(Topics.TRAINING_REQUESTED, "rlaif-1-dpo").get(0), TrainingRequested.class);
    assertEquals(Objective.OBJECTIVE_DPO, training.getObjective());
    assertEquals("rlaif-1-prefs", training.getDataset().getId());
    assertEquals(ingested.getDataset().getSha256(), training.getDataset().getSha256());
    assertEquals("tiny-llama", training.getBaseModel().getId());
    assertEquals("rlaif-1-dpo", done.getTrainingRunId());

    // Redelivery (same run id, a new event id): nothing new. A later request is handled after it
    // on the single partition, so its completion shows the redelivery was seen.
    String manifestBefore = Files.readString(data.resolve("manifest.json"));
    producer.sendAndWait(Events.envelope("rlaif-1", request));
    JudgeRequested later =
        request("rules-only")
            .setJudge(JudgeSpec.newBuilder().setConstitutionUri("constitution.yaml"))
            .setSamplesPerPrompt(2)
            .build();
    producer.sendAndWait(Events.envelope("rules-only", later));
    awaitCompleted("rules-only");
    assertEquals(1, events(Topics.JUDGE_COMPLETED, "rlaif-1").size());
    assertEquals(1, events(Topics.DATASET_INGESTED, "rlaif-1-prefs").size());
    assertEquals(1, events(Topics.TRAINING_REQUESTED, "rlaif-1-dpo").size());
    assertEquals(manifestBefore, Files.readString(data.resolve("manifest.json")));
    assertTrue(events(Topics.TRAINING_REQUESTED, "rules-only-dpo").isEmpty());
  }

  @Test
  void theReadmesJudgeRequestLineDecodes() throws Exception {
    List<String> lines =
        Files.readAllLines(Path.of("../../README.md")).stream()
            .filter(l -> l.startsWith("content-type:application/json|"))
            .filter(l -> l.contains("\"judgeRequested\""))
            .toList();
    assertEquals(1, lines.size(), "README judge example line");
    String[] parts = lines.get(0).split("\\|", 3);
    Envelope e = EventCodec.decode(parts[2].getBytes(StandardCharsets.UTF_8), EventHeaders.JSON);
    JudgeRequested r = Events.payload(e, JudgeRequested.class);
    assertEquals(parts[1], r.getRunId());
    assertEquals(Topics.JUDGE_REQUESTED, Topics.forEnvelope(e));
    assertTrue(r.getStartDpo());
    assertTrue(r.getJudge().hasLlmJudgeModel());
    assertFalse(r.getJudge().getConstitutionUri().isEmpty());
  }

  @Test
  void malformedRequestsGoToTheDeadLetterTopicWithTheirReason() throws Exception {
    JudgeRequested noJudge = request("no-judge").setJudge(JudgeSpec.getDefaultInstance()).build();
    JudgeRequested missingRules =
        request("missing-rules")
            .setJudge(JudgeSpec.newBuilder().setConstitutionUri("nowhere.yaml"))
            .build();
    JudgeRequested badYaml =
        request("bad-yaml")
            .setJudge(JudgeSpec.newBuilder().setConstitutionUri("prompts/questions.jsonl"))
            .build();
    JudgeRequested unknownAdapter =
        request("unknown-adapter")
            .setCandidateAdapter(
                ArtifactRef.newBuilder().setKind(ArtifactKind.ARTIFACT_KIND_ADAPTER).setId("ghost"))
            .build();
    for (JudgeRequested r : List.of(noJudge, missingRules, badYaml, unknownAdapter)) {
      producer.sendAndWait(Events.envelope(r.getRunId(), r));
    }
    Map<String, String> expected =
        Map.of(
            "no-judge", "names no judge",
            "missing-rules", "no such constitution file",
            "bad-yaml", "constitution_uri prompts/questions.jsonl",
            "unknown-adapter", "candidate_adapter 'ghost' is not registered");
    for (Map.Entry<String, String> e : expected.entrySet()) {
      awaitRecord(r -> r.topic().equals(Topics.DEAD_LETTER) && e.getKey().equals(r.key()));
      ConsumerRecord<String, byte[]> dead =
          published.stream()
              .filter(r -> r.topic().equals(Topics.DEAD_LETTER) && e.getKey().equals(r.key()))
              .findFirst()
              .orElseThrow();
      String reason = EventHeaders.get(dead.headers(), EventHeaders.DLQ_REASON);
      System.out.println("dead letter " + e.getKey() + ": " + reason);
      assertEquals("INVALID", EventHeaders.get(dead.headers(), EventHeaders.DLQ_KIND));
      assertTrue(reason.contains(e.getValue()), reason);
      assertTrue(events(Topics.JUDGE_COMPLETED, e.getKey()).isEmpty());
    }
  }
}
