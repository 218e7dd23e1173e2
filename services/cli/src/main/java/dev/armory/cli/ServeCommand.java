package dev.armory.cli;

import dev.armory.engine.generate.ServingEngine;
import dev.armory.inference.InferenceServer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code armory serve}: runs the inference service (gRPC) in this process until Ctrl-C. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serves a model over gRPC (armory.inference.v1.Inference: Generate, GenerateStream,"
          + " ListAdapters, LoadAdapter, UnloadAdapter, ListModels), with the standard health"
          + " service and server reflection, so grpcurl works without .proto files.",
      "Requests may name any adapter of --adapters; adapters are applied per request, and"
          + " requests with different adapters decode in one batch.",
      "Options left out take the service's configuration: application.yml, overridden by"
          + " environment variables such as ARMORY_INFERENCE_MAX_BATCH_SIZE.",
      "Ctrl-C shuts down gracefully: health turns NOT_SERVING, new calls are refused, running"
          + " generations get --shutdown-grace to finish and are then cancelled."
    })
final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "DIR",
      description =
          "Hugging Face model directory (config.json, safetensors weights, tokenizer.json), or a"
              + " directory written by `armory export` (model.onnx + model.onnx.json; served"
              + " one request at a time, without adapters).")
  Path model;

  @Option(
      names = "--adapters",
      paramLabel = "DIR",
      description =
          "Adapters directory: each subdirectory with an adapter_config.json (PEFT format) is"
              + " registered under its name; LoadAdapter may also register new ones from here.")
  Path adapters;

  @Option(
      names = "--adapter-root",
      paramLabel = "DIR",
      description =
          "A further directory LoadAdapter may register adapters from (repeatable). Paths"
              + " outside --adapters and these are refused.")
  List<Path> adapterRoots;

  @Option(
      names = "--port",
      defaultValue = "50051",
      paramLabel = "N",
      description = "gRPC port (default: ${DEFAULT-VALUE}); 0 picks a free port and prints it.")
  int port;

  @Option(
      names = "--metrics-port",
      defaultValue = "8082",
      paramLabel = "N",
      description =
          "HTTP port of GET /prometheus (the service's meters) and GET /health (default:"
              + " ${DEFAULT-VALUE}); 0 picks a free port and prints it.")
  int metricsPort;

  @Option(
      names = "--host",
      paramLabel = "ADDR",
      description = "Address to bind (default: all interfaces).")
  String host;

  @Option(
      names = "--model-id",
      paramLabel = "ID",
      description = "Id clients may name in requests (default: the model directory's name).")
  String modelId;

  @Option(
      names = "--weights",
      paramLabel = "FORMAT",
      description = "Base weights as fp32, nf4 or int4 (default: fp32).")
  String weights;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "ONNX Runtime threads; 0 uses one per core (default: 0).")
  Integer threads;

  @Option(
      names = "--max-batch-size",
      paramLabel = "N",
      description = "Requests decoded together per step (default: 8).")
  Integer maxBatchSize;

  @Option(
      names = "--max-queued-requests",
      paramLabel = "N",
      description =
          "Requests that may wait for a batch row; beyond it calls get RESOURCE_EXHAUSTED"
              + " (default: 64).")
  Integer maxQueuedRequests;

  @Option(
      names = "--max-prompt-tokens",
      paramLabel = "N",
      description =
          "Longest prompt accepted, in tokens; longer is INVALID_ARGUMENT (default: 4096).")
  Integer maxPromptTokens;

  @Option(
      names = "--max-tokens",
      paramLabel = "N",
      description = "Largest max_tokens a request may ask for (default: 1024).")
  Integer maxTokens;

  @Option(
      names = "--default-max-tokens",
      paramLabel = "N",
      description = "max_tokens of requests that leave it 0 (default: 256).")
  Integer defaultMaxTokens;

  @Option(
      names = "--kv-cache-bytes",
      paramLabel = "SIZE",
      description = "Cap on the KV cache's memory, e.g. 512MB or 2GB (default: 1GB).")
  String kvCacheBytes;

  @Option(
      names = "--adapter-cache-bytes",
      paramLabel = "SIZE",
      description =
          "Memory for resident LoRA factors, e.g. 256MB; least recently used adapters are"
              + " unloaded beyond it (default: 256MB).")
  String adapterCacheBytes;

  @Option(
      names = "--shutdown-grace",
      paramLabel = "SECONDS",
      description =
          "On shutdown, how long running generations may finish before they are cancelled"
              + " (default: 10).")
  Integer shutdownGraceSeconds;

  /** The running server (for tests, which stop it without a signal). */
  volatile InferenceServer server;

  @Override
  public Integer call() throws Exception {
    if (port < 0 || port > 65535) {
      throw new ParameterException(spec.commandLine(), "--port must be 0..65535, was " + port);
    }
    if (metricsPort < 0 || metricsPort > 65535) {
      throw new ParameterException(
          spec.commandLine(), "--metrics-port must be 0..65535, was " + metricsPort);
    }
    if (shutdownGraceSeconds != null && shutdownGraceSeconds < 0) {
      throw new ParameterException(
          spec.commandLine(), "--shutdown-grace must be >= 0, was " + shutdownGraceSeconds);
    }
    PrintWriter out = spec.commandLine().getOut();
    InferenceServer s = InferenceServer.start(properties());
    server = s;
    Thread hook =
        new Thread(
            () -> {
              out.println(
                  "armory serve: shutting down ("
                      + s.generation().inFlight()
                      + " generations in flight get the shutdown grace to finish)");
              out.flush();
              s.close();
              out.println("armory serve: stopped");
              out.flush();
            },
            "armory-serve-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    ServingEngine engine = s.generation().engine();
    out.printf(
        Locale.ROOT,
        "armory serve: model '%s' (%s, %s weights, context %d), %s%n",
        s.generation().modelId(),
        engine.modelConfig().modelType().hfName(),
        engine.weightsLabel(),
        engine.modelConfig().maxPositionEmbeddings(),
        engine.adapterRegistry().isPresent()
            ? s.adapters().list().size() + " adapters registered"
            : "an ONNX export (no adapters)");
    out.printf(
        Locale.ROOT,
        "listening on %s:%d (gRPC armory.inference.v1.Inference, grpc.health.v1, reflection)%n",
        host == null ? "0.0.0.0" : host,
        s.port());
    out.printf(
        Locale.ROOT,
        "metrics on http://%s:%d/prometheus, health on /health%n",
        host == null ? "0.0.0.0" : host,
        s.metricsPort());
    out.println("Ctrl-C to stop");
    out.flush();
    s.awaitClosed();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // Ctrl-C: the hook is what closed the server.
    }
    return 0;
  }

  private Map<String, Object> properties() {
    Map<String, Object> p = new LinkedHashMap<>();
    String prefix = "armory.inference.";
    p.put(prefix + "model-dir", model.toString());
    put(p, prefix + "adapters-dir", adapters);
    if (adapterRoots != null) {
      p.put(prefix + "adapter-roots", adapterRoots.stream().map(Path::toString).toList());
    }
    p.put("grpc.server.port", port);
    p.put("micronaut.server.port", metricsPort == 0 ? -1 : metricsPort);
    put(p, "grpc.server.host", host);
    put(p, "micronaut.server.host", host);
    put(p, prefix + "model-id", modelId);
    put(p, prefix + "weights", weights);
    put(p, prefix + "threads", threads);
    put(p, prefix + "max-batch-size", maxBatchSize);
    put(p, prefix + "max-queued-requests", maxQueuedRequests);
    put(p, prefix + "max-prompt-tokens", maxPromptTokens);
    put(p, prefix + "max-tokens", maxTokens);
    put(p, prefix + "default-max-tokens", defaultMaxTokens);
    put(p, prefix + "kv-cache-bytes", kvCacheBytes);
    put(p, prefix + "adapter-cache-bytes", adapterCacheBytes);
    if (metricsPort < 0 || metricsPort > 65535) {
      throw new ParameterException(
          spec.commandLine(), "--metrics-port must be 0..65535, was " + metricsPort);
    }
    if (shutdownGraceSeconds != null) {
      p.put(prefix + "shutdown-grace", shutdownGraceSeconds + "s");
    }
    return p;
  }

  private static void put(Map<String, Object> p, String key, Object value) {
    if (value != null) {
      p.put(key, value.toString());
    }
  }
}
