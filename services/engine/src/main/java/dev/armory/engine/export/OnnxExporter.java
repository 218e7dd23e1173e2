package dev.armory.engine.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.armory.engine.ArmoryVersion;
import dev.armory.engine.finetune.BaseWeights;
import dev.armory.engine.finetune.ModelHashes;
import dev.armory.engine.generate.kv.KvLayout;
import dev.armory.engine.graph.Graph;
import dev.armory.engine.hf.HfModelDir;
import dev.armory.engine.hf.ModelConfig;
import dev.armory.engine.merge.AdaptedModel;
import dev.armory.engine.merge.AdapterProvenance;
import dev.armory.engine.merge.MergeMethod;
import dev.armory.engine.merge.MergeRequest;
import dev.armory.engine.merge.MergeResult;
import dev.armory.engine.merge.ModelDirectoryFiles;
import dev.armory.engine.merge.ModelMerger;
import dev.armory.engine.merge.WeightDType;
import dev.armory.engine.merge.WeightedAdapter;
import dev.armory.engine.models.ModelArchitecture;
import dev.armory.engine.models.ModelParameters;
import dev.armory.engine.models.ParameterSpec;
import dev.armory.engine.runtime.SessionConfig;
import dev.armory.engine.tokenizer.HfTokenizer;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Exports a base model, with adapters merged in, as a standalone ONNX inference model with a KV
 * cache, and validates it before accepting it. Steps: merge the adapters in float32 (as {@link
 * ModelMerger} does; skipped for a float32 base without adapters), build the inference graph
 * ({@link ExportGraph}) in the requested weight precision, write {@code model.onnx} + {@code
 * model.onnx.data} with Armory's metadata, copy config and tokenizer files, write {@code
 * model.onnx.json}; then load the file in a fresh ONNX Runtime session and compare its logits with
 * the engine's adapter-applied logits ({@link AdaptedModel}; for TIES, which has no run-time form,
 * with the merged weights' own forward) on a set of prompts, decoding greedily through the cache.
 * The export is moved into place only when the largest difference is within the precision's
 * threshold; otherwise it is left beside the target as {@code <out>.rejected} and {@link
 * ExportParityException} is thrown.
 */
public final class OnnxExporter {
  public static final String MODEL_FILE = "model.onnx";
  public static final String PARITY_REPORT = "parity_report.json";

  /** Prompts used when the request names none. */
  public static final List<String> DEFAULT_PROMPTS =
      List.of(
          "Once upon a time",
          "The capital of France is",
          "def fibonacci(n):",
          "Q: What is two plus two?\nA:",
          "Armory merges adapters into the base model so that");

  /** Progress: one message per stage. */
  @FunctionalInterface
  public interface Listener {
    void stage(String message);

    Listener NONE = message -> {};
  }

  private OnnxExporter() {}

  public static ExportResult export(ExportRequest request) throws IOException {
    return export(request, SessionConfig.defaults(), Listener.NONE);
  }

  /**
   * Exports and validates; {@code session} configures the ONNX Runtime sessions of the parity
   * check.
   */
  public static ExportResult export(ExportRequest request, SessionConfig session, Listener listener)
      throws IOException {
    Path out = request.out().toAbsolutePath().normalize();
    checkOutput(request.model(), out);
    Files.createDirectories(out.getParent());
    List<WeightedAdapter> adapters =
        request.adapters().stream()
            .map(
                a ->
                    new WeightedAdapter(
                        AdapterProvenance.adapterDirectory(a.directory()), a.weight()))
            .toList();
    AdapterProvenance.ResolvedBase base =
        AdapterProvenance.resolve(
            request.baseWeights(), adapters.stream().map(WeightedAdapter::directory).toList());
    Path partial =
        Files.createTempDirectory(out.getParent(), "." + out.getFileName() + ".partial-");
    try {
      Path weights = request.model();
      String baseHash;
      if (!adapters.isEmpty() || base.weights() != BaseWeights.FLOAT32) {
        listener.stage(
            "merging "
                + adapters.size()
                + " adapter(s) in float32 ("
                + base.weights().name().toLowerCase()
                + " base)");
        MergeResult merged =
            ModelMerger.merge(
                new MergeRequest(
                    request.model(),
                    adapters,
                    request.method(),
                    request.density(),
                    request.signElection(),
                    base.weights(),
                    WeightDType.FP32,
                    partial.resolve("merged-fp32"),
                    MergeRequest.DEFAULT_MAX_SHARD_BYTES));
        weights = merged.directory();
        JsonNode manifest =
            OnnxModelDescriptor.JSON.readTree(weights.resolve(ModelMerger.MANIFEST).toFile());
        baseHash = manifest.path("base_model_hash").asText(null);
      } else {
        try (HfModelDir m = HfModelDir.open(request.model())) {
          baseHash = ModelHashes.sha256(m);
        }
      }
      Map<String, String> source = source(request, adapters, base, baseHash);
      ModelArchitecture arch;
      OnnxModelFile.Written written;
      listener.stage("building the " + request.precision().label() + " inference graph");
      try (HfModelDir src = HfModelDir.open(weights)) {
        arch = ModelArchitecture.of(src.config());
        ModelParameters params = ModelParameters.frozen(arch.bind(src.weights()));
        Graph graph =
            ExportGraph.build(
                "armory-" + arch.modelType().hfName(),
                arch,
                params,
                ExportGraph.linears(
                    params,
                    request.precision(),
                    request.int4BlockSize(),
                    request.int4AccuracyLevel()));
        source.forEach((k, v) -> graph.metadata().put("armory." + k, v));
        graph.metadata().put("armory.version", ArmoryVersion.VERSION);
        graph.metadata().put("armory.precision", request.precision().label());
        if (request.precision() == ExportPrecision.INT4) {
          graph.metadata().put("armory.int4_block_size", Integer.toString(request.int4BlockSize()));
          graph
              .metadata()
              .put("armory.int4_accuracy_level", Integer.toString(request.int4AccuracyLevel()));
        }
        graph
            .metadata()
            .put(
                "armory.kv_cache",
                "past_key_values.{layer}.key/value -> present.{layer}.key/value,"
                    + " [batch, num_key_value_heads, sequence, head_dim] float32");
        Set<String> toHalf =
            request.precision() == ExportPrecision.FP16
                ? arch.parameters().stream().map(ParameterSpec::name).collect(Collectors.toSet())
                : Set.of();
        listener.stage("writing " + MODEL_FILE + " and its external data");
        written = OnnxModelFile.write(graph, partial.resolve(MODEL_FILE), toHalf);
      }
      Files.copy(request.model().resolve(ModelConfig.FILE), partial.resolve(ModelConfig.FILE));
      List<String> companions = ModelDirectoryFiles.copyCompanions(request.model(), partial);
      ObjectNode descriptor;
      try (HfModelDir m = HfModelDir.open(request.model())) {
        descriptor =
            OnnxModelDescriptor.build(
                arch,
                request.precision(),
                request.int4BlockSize(),
                request.int4AccuracyLevel(),
                source,
                companions,
                m.generationConfig().orElse(null),
                written);
      }

      listener.stage("checking parity in a fresh ONNX Runtime session");
      List<ParityCheck.Prompt> prompts = prompts(request, arch.config());
      boolean adapterApplied = request.method() == MergeMethod.LINEAR;
      String referenceName =
          adapterApplied
              ? (adapters.isEmpty()
                      ? "the engine's forward over the base"
                      : "the engine's forward with the adapters applied unmerged")
                  + " ("
                  + base.weights().name().toLowerCase()
                  + " base)"
              : "the engine's forward over the TIES-merged float32 weights";
      ParityReport report;
      try (AdaptedModel reference =
              adapterApplied
                  ? AdaptedModel.open(request.model(), adapters, base.weights(), session)
                  : AdaptedModel.open(weights, List.of(), BaseWeights.FLOAT32, session);
          ExportedModel exported =
              ExportedModel.load(
                  written.onnx(),
                  KvLayout.of(arch.config()),
                  arch.config().vocabularySize(),
                  session)) {
        report =
            ParityCheck.run(
                exported,
                reference,
                referenceName,
                prompts,
                request.parity().greedyTokens(),
                request.precision(),
                request.parity().threshold(request.precision()));
      }
      OnnxModelDescriptor.JSON.writeValue(partial.resolve(PARITY_REPORT).toFile(), report.toJson());
      ObjectNode summary = descriptor.putObject("parity");
      summary.put("passed", report.passed());
      summary.put("max_abs", report.maxAbs());
      summary.put("mean_abs", report.meanAbs());
      summary.put("threshold_max_abs", report.threshold());
      summary.put("greedy_agreement", report.greedyAgreement());
      summary.put("report", PARITY_REPORT);
      OnnxModelDescriptor.write(partial, descriptor);
      deleteTree(partial.resolve("merged-fp32"));
      listener.stage(report.toText());
      if (!report.passed()) {
        Path rejected = out.resolveSibling(out.getFileName() + ".rejected");
        if (!Files.exists(rejected)) {
          move(partial, rejected);
        } else {
          rejected = partial;
        }
        partial = null;
        throw new ExportParityException(report, rejected);
      }
      move(partial, out);
      partial = null;
      return new ExportResult(
          out,
          out.resolve(MODEL_FILE),
          request.precision(),
          report,
          written.onnxBytes(),
          written.dataBytes());
    } finally {
      if (partial != null) {
        deleteTree(partial);
      }
    }
  }

  private static Map<String, String> source(
      ExportRequest request,
      List<WeightedAdapter> adapters,
      AdapterProvenance.ResolvedBase base,
      String baseHash) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("base_model", request.model().toAbsolutePath().normalize().toString());
    if (baseHash != null) {
      s.put("base_model_hash", baseHash);
    }
    s.put("base_weights", base.weights().name().toLowerCase());
    ArrayNode list = OnnxModelDescriptor.JSON.createArrayNode();
    for (WeightedAdapter a : adapters) {
      list.addObject()
          .put("path", a.directory().toAbsolutePath().normalize().toString())
          .put("weight", a.weight());
    }
    s.put("adapters_merged", list.toString());
    s.put("merge_method", adapters.isEmpty() ? "none" : request.method().name().toLowerCase());
    if (request.method() == MergeMethod.TIES && !adapters.isEmpty()) {
      s.put("ties_density", Double.toString(request.density()));
      s.put("ties_sign_election", request.signElection().name().toLowerCase());
    }
    return s;
  }

  /**
   * The parity prompts as token ids: the request's texts (or the defaults) through the model's
   * tokenizer, or fixed pseudo-random ids when it has none; each cut to leave room for the greedy
   * tokens within the model's positions.
   */
  static List<ParityCheck.Prompt> prompts(ExportRequest request, ModelConfig config) {
    int greedy = request.parity().greedyTokens();
    int room = config.maxPositionEmbeddings() - greedy;
    if (room < 1) {
      throw new IllegalArgumentException(
          "the model holds "
              + config.maxPositionEmbeddings()
              + " positions; "
              + greedy
              + " greedy parity tokens leave no room for a prompt");
    }
    List<String> texts =
        request.parity().prompts().isEmpty() ? DEFAULT_PROMPTS : request.parity().prompts();
    List<ParityCheck.Prompt> out = new ArrayList<>();
    if (Files.isRegularFile(request.model().resolve(HfModelDir.TOKENIZER_JSON))) {
      try (HfTokenizer tokenizer = HfTokenizer.load(request.model())) {
        for (String text : texts) {
          long[] ids = Arrays.stream(tokenizer.encode(text, true)).asLongStream().toArray();
          if (ids.length > 0) {
            out.add(new ParityCheck.Prompt(text, Arrays.copyOf(ids, Math.min(ids.length, room))));
          }
        }
      }
    }
    if (out.isEmpty()) {
      SplittableRandom random = new SplittableRandom(7);
      for (int p = 0; p < texts.size(); p++) {
        long[] ids = new long[Math.min(4 + 3 * p, room)];
        for (int i = 0; i < ids.length; i++) {
          ids[i] = random.nextInt(config.vocabularySize());
        }
        out.add(new ParityCheck.Prompt(null, ids));
      }
    }
    return out;
  }

  private static void checkOutput(Path model, Path out) throws IOException {
    if (out.equals(model.toAbsolutePath().normalize())) {
      throw new IllegalArgumentException(
          out + ": the output directory is the base model's; choose a new directory");
    }
    if (Files.exists(out)) {
      if (!Files.isDirectory(out)) {
        throw new IllegalArgumentException(out + ": exists and is not a directory");
      }
      try (Stream<Path> s = Files.list(out)) {
        if (s.findAny().isPresent()) {
          throw new IllegalArgumentException(
              out + ": exists and is not empty; choose a new directory or empty it");
        }
      }
    }
  }

  private static void move(Path from, Path to) throws IOException {
    if (Files.isDirectory(to)) {
      Files.delete(to); // an empty directory, checked above
    }
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
