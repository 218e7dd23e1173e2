package dev.armory.cli;

import dev.armory.platform.events.Topics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code armory up}: the whole platform in this JVM until Ctrl-C. */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Runs the whole Armory platform in this JVM until Ctrl-C.",
      "An embedded Apache Kafka broker in KRaft mode (data in DATA_DIR/kafka), or an existing"
          + " cluster given with its bootstrap servers; the artifact store (DATA_DIR/store); the"
          + " ingestion service (HTTP uploads), the trainer (local launcher: runs train in worker"
          + " threads), the exporter and the inference service (gRPC, hot-loading published"
          + " adapters). Prints where everything listens.",
      "Ctrl-C (or SIGTERM) shuts down cleanly: running training runs stop after their step with a"
          + " checkpoint and resume on the next start; the services stop before the broker."
    })
final class UpCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--data-dir",
      defaultValue = "armory-data",
      paramLabel = "DIR",
      description = "Kafka data and artifact store (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOSTS",
      description = "Use this Kafka cluster instead of starting the embedded broker.")
  String bootstrapServers;

  @Option(
      names = "--kafka-port",
      defaultValue = "9092",
      paramLabel = "PORT",
      description =
          "Port of the embedded broker on 127.0.0.1; 0 picks a free one (default:"
              + " ${DEFAULT-VALUE}).")
  int kafkaPort;

  @Option(
      names = "--model",
      paramLabel = "DIR",
      description =
          "Hugging Face model directory inference serves (default: a tiny random-weight Llama"
              + " generated into the store as models/tiny-llama).")
  Path model;

  @Option(
      names = "--grpc-port",
      defaultValue = "50051",
      paramLabel = "PORT",
      description = "Inference gRPC port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int grpcPort;

  @Option(
      names = "--http-port",
      defaultValue = "8081",
      paramLabel = "PORT",
      description = "Ingestion HTTP port; -1 picks a free one (default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(
      names = "--metrics-port",
      defaultValue = "8082",
      paramLabel = "PORT",
      description =
          "Inference HTTP port for GET /prometheus and GET /health; -1 picks a free one (default:"
              + " ${DEFAULT-VALUE}).")
  int metricsPort;

  @Option(
      names = "--max-concurrent-runs",
      defaultValue = "1",
      paramLabel = "N",
      description = "Training runs the local launcher runs at once (default: ${DEFAULT-VALUE}).")
  int maxConcurrentRuns;

  @Override
  public Integer call() throws Exception {
    if (maxConcurrentRuns < 1) {
      throw new ParameterException(spec.commandLine(), "--max-concurrent-runs must be >= 1");
    }
    ServiceLogs.showArmoryInfo();
    PrintWriter out = spec.commandLine().getOut();
    EmbeddedPlatform platform =
        EmbeddedPlatform.start(
            new EmbeddedPlatform.Options(
                dataDir,
                bootstrapServers,
                kafkaPort,
                model,
                grpcPort,
                httpPort,
                metricsPort,
                maxConcurrentRuns,
                Map.of()));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  out.println("armory: shutting down (services first, then the broker)");
                  out.flush();
                  try {
                    platform.close();
                    out.println("armory: stopped");
                  } finally {
                    out.flush();
                    stopped.countDown();
                  }
                },
                "armory-up-shutdown"));
    String base =
        platform.baseModel().getId().isEmpty()
            ? platform.baseModel().getUri()
            : "models/" + platform.baseModel().getId();
    out.println("Armory is up (data in " + dataDir.toAbsolutePath().normalize() + ")");
    out.println(
        "  Kafka           "
            + platform.bootstrapServers()
            + (platform.embeddedKafka()
                ? " (embedded KRaft broker, data in " + platform.kafkaDataDir() + ")"
                : " (existing cluster)"));
    out.println("  artifact store  " + platform.store().root());
    out.println(
        "  ingestion       HTTP "
            + platform.ingestion().url()
            + "/datasets/{id}; consumes "
            + Topics.DATASET_INGEST_REQUESTED);
    out.println(
        "  trainer         consumes "
            + Topics.TRAINING_REQUESTED
            + " (local launcher, "
            + maxConcurrentRuns
            + " run(s) at a time, "
            + platform.trainer().resumedRuns()
            + " unfinished run(s) resumed)");
    out.println(
        "  exporter        consumes "
            + Topics.EXPORT_REQUESTED
            + ", "
            + Topics.TRAINING_COMPLETED
            + "; publishes adapters of runs that ask for it");
    out.println(
        "  inference       gRPC localhost:"
            + platform.grpcPort()
            + " (armory.inference.v1.Inference, health, reflection) serving "
            + base
            + "; hot-loads "
            + Topics.ADAPTER_PUBLISHED
            + "; metrics http://localhost:"
            + platform.metricsPort()
            + "/prometheus");
    out.println(
        "  judge           consumes "
            + Topics.JUDGE_REQUESTED
            + "; samples and judges through the inference endpoint above, can start DPO runs");
    out.println(
        "Train: publish a TrainingRequested with base_model "
            + base
            + " to "
            + Topics.TRAINING_REQUESTED
            + " (see README). Ctrl-C stops.");
    out.flush();
    stopped.await();
    return 0;
  }
}
