package dev.armory.ingestion;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.armory.engine.tokenizer.TinyTokenizer;
import dev.armory.events.v1.ArtifactKind;
import dev.armory.events.v1.ArtifactRef;
import dev.armory.events.v1.DatasetIngestRequested;
import dev.armory.events.v1.DatasetIngested;
import dev.armory.events.v1.DatasetRejected;
import dev.armory.events.v1.Envelope;
import dev.armory.events.v1.TrainingRequested;
import dev.armory.platform.PlatformConfig;
import dev.armory.platform.events.EventCodec;
import dev.armory.platform.events.EventConsumerLoop;
import dev.armory.platform.events.EventHeaders;
import dev.armory.platform.events.EventProducer;
import dev.armory.platform.events.Events;
import dev.armory.platform.events.Topics;
import dev.armory.platform.kafka.EmbeddedKafka;
import dev.armory.platform.store.ArtifactStore;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.tools.LineMessageReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ingestion service on a real embedded broker, by event and by HTTP upload. */
class IngestionServiceTest {

  @TempDir static Path dir;
  static EmbeddedKafka kafka;
  static IngestionServer server;
  static ArtifactStore store;
  static EventProducer producer;
  static EventConsumerLoop results;
  static Path tokenizerDir;
  static final List<Envelope> published = new CopyOnWriteArrayList<>();
  static final HttpClient http = HttpClient.newHttpClient();
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void start() {
    kafka = EmbeddedKafka.start(dir.resolve("kafka"));
    kafka.createTopics(Topics.all(), 1);
    Path storeRoot = dir.resolve("store");
    tokenizerDir = dir.resolve("tiny-tokenizer");
    TinyTokenizer.write(tokenizerDir);
    server =
        IngestionServer.start(
            Map.of(
                "armory.kafka.bootstrap-servers", kafka.bootstrapServers(),
                "armory.store.root", storeRoot.toString(),
                "micronaut.server.port", -1));
    store = server.context().getBean(ArtifactStore.class);
    PlatformConfig config = PlatformConfig.of(kafka.bootstrapServers(), storeRoot, "test");
    producer = new EventProducer(config);
    results =
        EventConsumerLoop.builder(config, "test-results")
            .topics(Topics.DATASET_INGESTED, Topics.DATASET_REJECTED)
            .handler(e -> published.add(e.envelope()))
            .start();
  }

  @AfterAll
  static void stop() {
    if (results != null) {
      results.close();
    }
    if (producer != null) {
      producer.close();
    }
    if (server != null) {
      server.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** 100 Alpaca lines; the given 1-based lines are broken in three different ways. */
  private static Path hundredLines(String name, int... badLines) throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 1; i <= 100; i++) {
      lines.add(
          "{\"instruction\":\"What is "
              + i
              + " plus one?\",\"output\":\"It is "
              + (i + 1)
              + ".\"}");
    }
    String[] broken = {
      "{\"instruction\": \"unterminated", "{\"instruction\":\"no answer here\"}", "[1, 2, 3]"
    };
    for (int k = 0; k < badLines.length; k++) {
      lines.set(badLines[k] - 1, broken[k % broken.length]);
    }
    Path file = dir.resolve(name + ".jsonl");
    Files.write(file, lines, StandardCharsets.UTF_8);
    return file;
  }

  private static DatasetIngestRequested request(String id, Path source) {
    return DatasetIngestRequested.newBuilder()
        .setDatasetId(id)
        .setSourceUri(source.toString())
        .setEvalFraction(0.1)
        .setTokenizerModel(
            ArtifactRef.newBuilder()
                .setKind(ArtifactKind.ARTIFACT_KIND_MODEL)
                .setUri(tokenizerDir.toString()))
        .build();
  }

  private static List<Envelope> eventsAbout(String id) {
    return published.stream().filter(e -> e.getSubjectId().equals(id)).toList();
  }

  private static Envelope awaitEvent(String id, int count) {
    await().atMost(Duration.ofSeconds(60)).until(() -> eventsAbout(id).size() >= count);
    return eventsAbout(id).get(count - 1);
  }

  private static long lines(Path file) throws Exception {
    return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).count();
  }

  @Test
  void threeBadLinesAmongAHundredYieldNinetySevenRecordsAndAReport() throws Exception {
    String id = unique("ds");
    Envelope sent = Events.envelope(id, request(id, hundredLines(id, 10, 50, 77)));
    producer.sendAndWait(sent);
    Envelope reply = awaitEvent(id, 1);
    assertEquals(sent.getTraceId(), reply.getTraceId());
    DatasetIngested done = Events.payload(reply, DatasetIngested.class);
    assertEquals(100, done.getLinesRead());
    assertEquals(97, done.getRecordsAccepted());
    assertEquals(3, done.getBadLines());
    assertEquals(97, done.getTrainRecords() + done.getEvalRecords());
    assertTrue(done.getEvalRecords() >= 9 && done.getEvalRecords() <= 11, "" + done);
    assertEquals(Map.of("alpaca", 97L), done.getFormatsMap());
    assertEquals(
        List.of(10L, 50L, 77L), done.getErrorsList().stream().map(e -> e.getLine()).toList());
    assertTrue(
        done.getErrors(0).getReason().contains("not valid JSON"), done.getErrors(0).getReason());
    assertTrue(done.getErrors(1).getReason().contains("output"), done.getErrors(1).getReason());

    Path stored = store.dir(ArtifactKind.ARTIFACT_KIND_DATASET, id);
    assertEquals(done.getTrainRecords(), lines(stored.resolve("train.jsonl")));
    assertEquals(done.getEvalRecords(), lines(stored.resolve("eval.jsonl")));
    assertEquals(100, lines(stored.resolve("source.jsonl")), "the source is kept whole");
    JsonNode report = JSON.readTree(store.root().resolve(done.getReportPath()).toFile());
    assertEquals(3, report.get("bad_lines").size());
    assertEquals(77, report.get("bad_lines").get(2).get("line").asInt());
    assertTrue(report.get("bad_lines").get(2).get("reason").asText().length() > 5);

    assertTrue(done.getTokenStats().getTotalTokens() > 0);
    assertTrue(done.getTokenStats().getMinTokens() <= done.getTokenStats().getP50Tokens());
    assertTrue(done.getTokenStats().getP95Tokens() <= done.getTokenStats().getMaxTokens());
    assertEquals(
        done.getDataset().getSha256(),
        store.ref(ArtifactKind.ARTIFACT_KIND_DATASET, id).getSha256());
    assertEquals(
        "source",
        store.manifest(ArtifactKind.ARTIFACT_KIND_DATASET, id).get().parents().get(0).role());
  }

  @Test
  void aResentRequestNeverDuplicatesData() throws Exception {
    String id = unique("ds");
    DatasetIngestRequested req =
        request(id, hundredLines(id)).toBuilder().setIdempotencyKey("upload-" + id).build();
    producer.sendAndWait(Events.envelope(id, req));
    awaitEvent(id, 1);
    String firstManifest =
        Files.readString(
            store.dir(ArtifactKind.ARTIFACT_KIND_DATASET, id).resolve("manifest.json"));
    // The same request again (same key), then with a new key: data is written once.
    producer.sendAndWait(Events.envelope(id, req));
    producer.sendAndWait(
        Events.envelope(id, req.toBuilder().setIdempotencyKey("retry-" + id).build()));
    Envelope second = awaitEvent(id, 2);
    DatasetIngested again = Events.payload(second, DatasetIngested.class);
    assertEquals(100, again.getRecordsAccepted());
    assertEquals(
        Events.payload(eventsAbout(id).get(0), DatasetIngested.class).getDataset(),
        again.getDataset());
    assertEquals(
        firstManifest,
        Files.readString(
            store.dir(ArtifactKind.ARTIFACT_KIND_DATASET, id).resolve("manifest.json")));
    assertEquals(
        1, store.list(ArtifactKind.ARTIFACT_KIND_DATASET).stream().filter(id::equals).count());
    assertTrue(store.processedKeys().isDone("ingestion", "upload-" + id));
    // The repeated key produced no event: exactly two so far (first key, then the new key).
    assertEquals(2, eventsAbout(id).size());
  }

  @Test
  void aJsonEncodedRequestWithTheContentTypeHeaderIsAccepted() throws Exception {
    String id = unique("ds");
    Path source = hundredLines(id, 3);
    String json =
        "{\"datasetIngestRequested\":{\"datasetId\":\""
            + id
            + "\",\"sourceUri\":\""
            + source.toUri()
            + "\",\"evalFraction\":0.2}}";
    try (KafkaProducer<String, byte[]> raw =
        new KafkaProducer<>(
            PlatformConfig.of(kafka.bootstrapServers(), dir, "raw").producerProperties())) {
      ProducerRecord<String, byte[]> r =
          new ProducerRecord<>(
              Topics.DATASET_INGEST_REQUESTED, id, json.getBytes(StandardCharsets.UTF_8));
      r.headers()
          .add(EventHeaders.CONTENT_TYPE, "application/json".getBytes(StandardCharsets.UTF_8));
      raw.send(r).get();
    }
    DatasetIngested done = Events.payload(awaitEvent(id, 1), DatasetIngested.class);
    assertEquals(99, done.getRecordsAccepted());
    assertEquals(20, done.getEvalRecords());
    assertTrue(!done.hasTokenStats(), "no tokenizer named, no token statistics");
  }

  @Test
  void aRequestWithAMissingFileIsRejectedByEvent() throws Exception {
    String id = unique("ds");
    producer.sendAndWait(Events.envelope(id, request(id, dir.resolve("nope.jsonl"))));
    DatasetRejected rejected = Events.payload(awaitEvent(id, 1), DatasetRejected.class);
    assertTrue(rejected.getReason().contains("nope.jsonl"), rejected.getReason());
  }

  private static HttpResponse<String> post(String path, String contentType, byte[] body)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(server.url() + path))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void httpUploadsStoreOnceAndAnswerWithTheEvent() throws Exception {
    String id = unique("up");
    byte[] body = Files.readAllBytes(hundredLines(id, 5));
    HttpResponse<String> created =
        post("/datasets/" + id + "?evalFraction=0.1&seed=7", "application/x-ndjson", body);
    assertEquals(201, created.statusCode(), created.body());
    JsonNode json = JSON.readTree(created.body());
    assertEquals(99, json.get("recordsAccepted").asInt());
    assertEquals(5, json.get("errors").get(0).get("line").asInt());

    HttpResponse<String> again =
        post("/datasets/" + id + "?evalFraction=0.1&seed=7", "application/x-ndjson", body);
    assertEquals(200, again.statusCode(), again.body());

    HttpResponse<String> conflict =
        post("/datasets/" + id, "application/x-ndjson", "{\"text\":\"other\"}\n".getBytes());
    assertEquals(409, conflict.statusCode(), conflict.body());

    String boundary = "----armory" + UUID.randomUUID();
    String multipart =
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"chat.jsonl\"\r\n"
            + "Content-Type: application/octet-stream\r\n\r\n"
            + "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},"
            + "{\"role\":\"assistant\",\"content\":\"hello\"}]}\n"
            + "{\"conversations\":[{\"from\":\"human\",\"value\":\"hi\"},"
            + "{\"from\":\"gpt\",\"value\":\"hello\"}]}\n"
            + "{\"prompt\":\"2+2\",\"completion\":\"4\"}\n"
            + "\r\n--"
            + boundary
            + "--\r\n";
    String multiId = unique("multi");
    HttpResponse<String> multi =
        post(
            "/datasets/" + multiId + "?tokenizerUri=" + tokenizerDir.toUri(),
            "multipart/form-data; boundary=" + boundary,
            multipart.getBytes(StandardCharsets.UTF_8));
    assertEquals(201, multi.statusCode(), multi.body());
    JsonNode m = JSON.readTree(multi.body());
    // The ShareGPT conversation equals the chat one after normalisation: one duplicate.
    assertEquals(2, m.get("recordsAccepted").asInt());
    assertEquals(1, m.get("duplicatesRemoved").asInt());
    assertTrue(m.get("tokenStats").get("totalTokens").asLong() > 0, multi.body());

    HttpResponse<String> allBad =
        post("/datasets/" + unique("bad"), "text/plain", "nope\n{\"x\":1}\n".getBytes());
    assertEquals(422, allBad.statusCode(), allBad.body());
    JsonNode rejected = JSON.readTree(allBad.body());
    assertEquals(2, rejected.get("errors").size());
    assertEquals(2, rejected.get("errors").get(1).get("line").asInt());

    HttpResponse<String> report =
        http.send(
            HttpRequest.newBuilder(URI.create(server.url() + "/datasets/" + id + "/report"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, report.statusCode());
    assertEquals(5, JSON.readTree(report.body()).get("bad_lines").get(0).get("line").asInt());

    // Uploads are announced on Kafka too.
    DatasetIngested announced = Events.payload(awaitEvent(multiId, 1), DatasetIngested.class);
    assertEquals(2, announced.getRecordsAccepted());
    assertEquals(m, JSON.readTree(EventCodec.toJson(announced)));
  }

  @Test
  void theReadmesConsoleProducerLinesAreAccepted() throws Exception {
    String readme = Files.readString(Path.of("../../README.md"));
    Map<String, String> props = new HashMap<>();
    Matcher m = Pattern.compile("--property (\\S+?)=(\\S+)").matcher(readme);
    while (m.find()) {
      props.put(m.group(1), m.group(2).replace("'", ""));
    }
    assertEquals("true", props.get("parse.headers"), "README command: " + props);
    List<String> lines =
        readme
            .lines()
            .filter(l -> l.startsWith("content-type:application/json|"))
            // The judge service's example line is checked by its own JudgeServiceTest.
            .filter(l -> !l.contains("\"judgeRequested\""))
            .toList();
    assertEquals(2, lines.size(), "README example lines");
    LineMessageReader reader = new LineMessageReader();
    props.put("topic", Topics.TRAINING_REQUESTED);
    reader.configure(props);
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    reader
        .readRecords(
            new ByteArrayInputStream(String.join("\n", lines).getBytes(StandardCharsets.UTF_8)))
        .forEachRemaining(records::add);
    assertEquals(2, records.size());
    Properties p = PlatformConfig.of(kafka.bootstrapServers(), dir, "console").producerProperties();
    p.put("key.serializer", ByteArraySerializer.class.getName());
    List<Envelope> training = new CopyOnWriteArrayList<>();
    try (KafkaProducer<byte[], byte[]> console = new KafkaProducer<>(p);
        EventConsumerLoop trainer =
            EventConsumerLoop.builder(
                    PlatformConfig.of(kafka.bootstrapServers(), dir, "t"), unique("trainer"))
                .topics(Topics.TRAINING_REQUESTED)
                .handler(e -> training.add(e.envelope()))
                .start()) {
      console.send(records.get(0)).get();
      ProducerRecord<byte[], byte[]> r = records.get(1);
      console
          .send(
              new ProducerRecord<>(
                  Topics.DATASET_INGEST_REQUESTED, null, r.key(), r.value(), r.headers()))
          .get();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> training.stream().anyMatch(e -> e.getSubjectId().equals("run-42")));
    }
    TrainingRequested t =
        Events.payload(
            training.stream().filter(e -> e.getSubjectId().equals("run-42")).findFirst().get(),
            TrainingRequested.class);
    assertEquals(16, t.getAdapter().getR());
    assertEquals("support-v1", t.getDataset().getId());
    // The dataset line is decoded and acted on: its example path does not exist here.
    DatasetRejected rejected = Events.payload(awaitEvent("support-v1", 1), DatasetRejected.class);
    assertTrue(rejected.getReason().contains("/data/support.jsonl"), rejected.getReason());
  }
}
