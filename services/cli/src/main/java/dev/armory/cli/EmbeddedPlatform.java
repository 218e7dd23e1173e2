package dev.armory.cli;

import dev.armory.engine.fixtures.TinyModelGenerator;
import dev.armory.engine.hf.ModelType;
import dev.armory.events.v1.ArtifactKind;
import dev.armory.events.v1.ArtifactRef;
import dev.armory.exporter.ExporterServer;
import dev.armory.inference.InferenceServer;
import dev.armory.ingestion.IngestionServer;
import dev.armory.judge.JudgeServer;
import dev.armory.platform.PlatformConfig;
import dev.armory.platform.events.Topics;
import dev.armory.platform.kafka.EmbeddedKafka;
import dev.armory.platform.kafka.TopicSetup;
import dev.armory.platform.store.ArtifactStore;
import dev.armory.platform.store.ManifestDetails;
import dev.armory.platform.store.StagedArtifact;
import dev.armory.trainer.TrainerServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * All of Armory in one JVM: an embedded Kafka broker in KRaft mode (or an existing cluster), the
 * artifact store, and the ingestion, trainer (local launcher), exporter, inference and judge
 * services, each in its own Micronaut context. {@code armory up} and {@code armory demo} run it.
 * Closing stops the services first (running training runs checkpoint and resume on the next start),
 * the broker last.
 */
final class EmbeddedPlatform implements AutoCloseable {
  /** Store id of the model generated when none is given. */
  static final String TINY_MODEL_ID = "tiny-llama";

  /**
   * How to start.
   *
   * @param dataDir holds the broker's data ({@code kafka/}) and the artifact store ({@code store/})
   * @param bootstrapServers an existing Kafka cluster, or null for the embedded broker
   * @param kafkaPort the embedded broker's port (0: any free one)
   * @param model the Hugging Face model inference serves, or null to generate a tiny Llama into the
   *     store
   * @param grpcPort the inference gRPC port (0: any free one)
   * @param httpPort the ingestion HTTP port (-1: any free one)
   * @param metricsPort inference's HTTP port for GET /prometheus and /health (-1: any free one)
   * @param maxConcurrentRuns training runs the local launcher runs at once
   * @param extra further service properties (e.g. armory.ingestion.eval-fraction)
   */
  record Options(
      Path dataDir,
      String bootstrapServers,
      int kafkaPort,
      Path model,
      int grpcPort,
      int httpPort,
      int metricsPort,
      int maxConcurrentRuns,
      Map<String, Object> extra) {}

  private final EmbeddedKafka kafka;
  private final String bootstrapServers;
  private final ArtifactStore store;
  private final Path modelDir;
  private final ArtifactRef baseModel;
  private final List<AutoCloseable> services = new ArrayList<>();
  private IngestionServer ingestion;
  private TrainerServer trainer;
  private ExporterServer exporter;
  private InferenceServer inference;
  private JudgeServer judge;

  private EmbeddedPlatform(
      EmbeddedKafka kafka,
      String bootstrapServers,
      ArtifactStore store,
      Path modelDir,
      ArtifactRef baseModel) {
    this.kafka = kafka;
    this.bootstrapServers = bootstrapServers;
    this.store = store;
    this.modelDir = modelDir;
    this.baseModel = baseModel;
  }

  /** Starts the broker (unless one is given), creates the topics, and starts every service. */
  static EmbeddedPlatform start(Options o) throws IOException {
    Path dataDir = o.dataDir().toAbsolutePath().normalize();
    ArtifactStore store = ArtifactStore.open(dataDir.resolve("store"));
    Path modelDir;
    ArtifactRef baseModel;
    if (o.model() == null) {
      if (!store.exists(ArtifactKind.ARTIFACT_KIND_MODEL, TINY_MODEL_ID)) {
        try (StagedArtifact s = store.stage(ArtifactKind.ARTIFACT_KIND_MODEL, TINY_MODEL_ID)) {
          TinyModelGenerator.generate(ModelType.LLAMA, s.dir(), TinyModelGenerator.DEFAULT_SEED);
          s.commit(
              ManifestDetails.create()
                  .producer("armory")
                  .detail("generated", "tiny random-weight Llama (TinyModelGenerator)"));
        }
      }
      modelDir = store.dir(ArtifactKind.ARTIFACT_KIND_MODEL, TINY_MODEL_ID);
      baseModel = store.ref(ArtifactKind.ARTIFACT_KIND_MODEL, TINY_MODEL_ID);
    } else {
      modelDir = o.model().toAbsolutePath().normalize();
      if (!Files.isRegularFile(modelDir.resolve("config.json"))) {
        throw new IllegalArgumentException(
            o.model() + " is not a Hugging Face model directory (no config.json)");
      }
      baseModel =
          ArtifactRef.newBuilder()
              .setKind(ArtifactKind.ARTIFACT_KIND_MODEL)
              .setUri(modelDir.toString())
              .build();
    }
    EmbeddedKafka kafka = null;
    String servers = o.bootstrapServers();
    if (servers == null || servers.isBlank()) {
      kafka = EmbeddedKafka.start(dataDir.resolve("kafka"), o.kafkaPort(), Map.of());
      servers = kafka.bootstrapServers();
    }
    EmbeddedPlatform p = new EmbeddedPlatform(kafka, servers, store, modelDir, baseModel);
    try {
      p.createTopics();
      p.startServices(o);
      return p;
    } catch (RuntimeException | Error e) {
      p.close();
      throw e;
    }
  }

  private void createTopics() {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    try (Admin admin = Admin.create(props)) {
      TopicSetup.ensureTopics(admin, Topics.all(), 1, (short) 1);
    }
  }

  private void startServices(Options o) {
    Map<String, Object> common = new HashMap<>();
    common.put(PlatformConfig.BOOTSTRAP_SERVERS, bootstrapServers);
    common.put(PlatformConfig.STORE_ROOT, store.root().toString());

    Map<String, Object> ingestionProps = new HashMap<>(ServiceDefaults.of(IngestionServer.class));
    ingestionProps.putAll(common);
    ingestionProps.put("micronaut.server.port", o.httpPort());
    // Every context sees every service's beans on this classpath: without this the HTTP server's
    // start would also start a gRPC server (micronaut-grpc does when both are present).
    ingestionProps.put("grpc.server.enabled", false);
    ingestionProps.putAll(o.extra());
    ingestion = add(IngestionServer.start(ingestionProps));

    Map<String, Object> trainerProps = new HashMap<>(common);
    trainerProps.put("armory.trainer.max-concurrent-runs", o.maxConcurrentRuns());
    trainerProps.putAll(o.extra());
    trainer = add(TrainerServer.start(trainerProps));

    Map<String, Object> exporterProps = new HashMap<>(common);
    exporterProps.putAll(o.extra());
    exporter = add(ExporterServer.start(exporterProps));

    Map<String, Object> inferenceProps = new HashMap<>(ServiceDefaults.of(InferenceServer.class));
    inferenceProps.putAll(common);
    inferenceProps.put("armory.inference.model-dir", modelDir.toString());
    inferenceProps.put("armory.inference.events.enabled", true);
    inferenceProps.put("grpc.server.port", o.grpcPort());
    inferenceProps.put("micronaut.server.port", o.metricsPort());
    inferenceProps.putAll(o.extra());
    inference = add(InferenceServer.start(inferenceProps));

    // The judge samples candidates and asks its LLM judge through this JVM's inference endpoint.
    Map<String, Object> judgeProps = new HashMap<>(ServiceDefaults.of(JudgeServer.class));
    judgeProps.putAll(common);
    judgeProps.put("armory.judge.inference-target", "localhost:" + inference.port());
    judgeProps.put("grpc.server.enabled", false);
    judgeProps.putAll(o.extra());
    judge = add(JudgeServer.start(judgeProps));
  }

  private <T extends AutoCloseable> T add(T service) {
    services.add(service);
    return service;
  }

  String bootstrapServers() {
    return bootstrapServers;
  }

  /** True when this JVM runs the broker (no --bootstrap-servers). */
  boolean embeddedKafka() {
    return kafka != null;
  }

  Path kafkaDataDir() {
    return kafka == null ? null : kafka.dataDir();
  }

  ArtifactStore store() {
    return store;
  }

  /** The model inference serves and runs train on by default. */
  Path modelDir() {
    return modelDir;
  }

  /** Reference to the served model for TrainingRequested.base_model. */
  ArtifactRef baseModel() {
    return baseModel;
  }

  IngestionServer ingestion() {
    return ingestion;
  }

  TrainerServer trainer() {
    return trainer;
  }

  InferenceServer inference() {
    return inference;
  }

  JudgeServer judge() {
    return judge;
  }

  int grpcPort() {
    return inference.port();
  }

  /** Inference's HTTP port (GET /prometheus, GET /health). */
  int metricsPort() {
    return inference.metricsPort();
  }

  /** Stops the services in reverse order of start (contexts before the broker), then the broker. */
  @Override
  public synchronized void close() {
    RuntimeException first = null;
    for (int i = services.size() - 1; i >= 0; i--) {
      try {
        services.get(i).close();
      } catch (Exception e) {
        if (first == null) {
          first = new IllegalStateException("stopping a service: " + e.getMessage(), e);
        }
      }
    }
    services.clear();
    if (kafka != null) {
      kafka.close();
    }
    if (first != null) {
      throw first;
    }
  }
}
