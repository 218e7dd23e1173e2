package dev.armory.engine.bench;

import dev.armory.engine.generate.DecodeEngine;
import dev.armory.engine.generate.EngineConfig;
import dev.armory.engine.generate.EngineLimits;
import dev.armory.engine.generate.GenerationRequest;
import dev.armory.engine.generate.WeightFormat;
import dev.armory.engine.generate.kv.KvCacheGraph;
import dev.armory.engine.hf.HfModelDir;
import dev.armory.engine.merge.MergeRequest;
import dev.armory.engine.merge.ModelMerger;
import dev.armory.engine.models.ModelArchitecture;
import dev.armory.engine.peft.LoraAdapter;
import dev.armory.engine.peft.LoraConfig;
import dev.armory.engine.peft.TargetModules;
import dev.armory.engine.runtime.SessionConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Decode speed of a merged model against the same adapter applied per request, both served by the
 * KV-cache decode engine with the same settings: the merged model runs the plain graph, the
 * adapter-applied one the graph with LoRA branches (two extra small matmuls per targeted layer).
 * Batch 1 and a larger batch, medians of alternating runs.
 */
public final class MergeBenchmark {
  /**
   * @param model a model directory, or null to generate a random Llama
   * @param syntheticHidden width of the generated Llama
   * @param syntheticLayers its layers
   * @param rank LoRA rank of the adapter
   * @param allLinear adapter on every linear layer (else the architecture's default targets)
   * @param weights base weight format of both engines
   * @param graph attention kernel and fused kernels
   * @param promptTokens prompt length
   * @param newTokens tokens decoded per request
   * @param batch the larger batch size
   * @param threads ONNX Runtime threads (0 = one per core)
   */
  public record Options(
      Path model,
      int syntheticHidden,
      int syntheticLayers,
      int rank,
      boolean allLinear,
      WeightFormat weights,
      KvCacheGraph.Options graph,
      int promptTokens,
      int newTokens,
      int batch,
      int threads) {}

  /** Decode tokens/s, adapter applied per request vs merged, at batch 1 and the larger batch. */
  public record Result(
      double adapterBatch1,
      double mergedBatch1,
      double adapterBatchN,
      double mergedBatchN,
      int batch) {
    public double ratioBatch1() {
      return mergedBatch1 / adapterBatch1;
    }

    public double ratioBatchN() {
      return mergedBatchN / adapterBatchN;
    }
  }

  private static final int RUNS = 3;
  private static final String ADAPTER = "bench";

  private MergeBenchmark() {}

  public static Result run(Options o, PrintStream out) throws IOException {
    Path work = Files.createTempDirectory("armory-bench-merge");
    try {
      Path model =
          o.model() != null
              ? o.model()
              : DecodeBenchmark.syntheticLlama(
                  work.resolve("model"), o.syntheticHidden(), o.syntheticLayers());
      Path adapter = writeAdapter(model, work.resolve("adapter"), o, out);
      long t0 = System.nanoTime();
      var merged = ModelMerger.merge(MergeRequest.of(model, adapter, work.resolve("merged")));
      out.printf(
          Locale.ROOT,
          "merged into %d linear layers in %.2f s%n",
          merged.mergedModules(),
          (System.nanoTime() - t0) / 1e9);
      EngineConfig config =
          EngineConfig.defaults()
              .withWeights(o.weights())
              .withGraph(o.graph())
              .withLimits(EngineLimits.defaults().withMaxBatchSize(Math.max(1, o.batch())))
              .withSession(SessionConfig.defaults().withThreads(o.threads()));
      try (DecodeEngine applied = DecodeEngine.open(model, config);
          DecodeEngine plain = DecodeEngine.open(merged.directory(), config)) {
        applied.adapters().register(ADAPTER, adapter);
        int vocabulary = applied.modelConfig().vocabularySize();
        int newTokens =
            Math.min(
                o.newTokens(),
                applied.modelConfig().maxPositionEmbeddings() - o.promptTokens() - 1);
        out.printf(
            Locale.ROOT,
            "model %s (%d layers, hidden %d); weights %s; attention %s; prompt %d, %d new tokens;"
                + " threads %s%n",
            o.model() != null ? model : "synthetic llama",
            applied.modelConfig().numberOfLayers(),
            applied.modelConfig().hiddenSize(),
            o.weights().name().toLowerCase(Locale.ROOT),
            o.graph().attention(),
            o.promptTokens(),
            newTokens,
            o.threads() == 0 ? "one per core" : o.threads());
        // Warm-up: first runs allocate, the adapter's first use builds its session.
        applied.generate(
            GenerationRequest.greedy(DecodeBenchmark.prompt(0, o.promptTokens(), vocabulary), 8)
                .withAdapter(ADAPTER));
        plain.generate(
            GenerationRequest.greedy(DecodeBenchmark.prompt(0, o.promptTokens(), vocabulary), 8));
        double[][] rates = new double[2][];
        int[] batches = {1, o.batch()};
        for (int b = 0; b < 2; b++) {
          double[] withAdapter = new double[RUNS];
          double[] mergedRate = new double[RUNS];
          for (int run = 0; run < RUNS; run++) { // alternate, so drift hits both alike
            withAdapter[run] =
                DecodeBenchmark.decodeRate(
                    applied, batches[b], newTokens, o.promptTokens(), vocabulary, k -> ADAPTER);
            mergedRate[run] =
                DecodeBenchmark.decodeRate(
                    plain, batches[b], newTokens, o.promptTokens(), vocabulary, k -> null);
          }
          rates[b] =
              new double[] {
                DecodeBenchmark.percentile(withAdapter, 50),
                DecodeBenchmark.percentile(mergedRate, 50)
              };
          out.printf(
              Locale.ROOT,
              "decode, batch %d: adapter applied per request %.1f tokens/s, merged %.1f tokens/s;"
                  + " merged / adapter-applied = %.3f%n",
              batches[b],
              rates[b][0],
              rates[b][1],
              rates[b][1] / rates[b][0]);
        }
        return new Result(rates[0][0], rates[0][1], rates[1][0], rates[1][1], o.batch());
      }
    } finally {
      DecodeBenchmark.deleteTree(work);
    }
  }

  private static Path writeAdapter(Path model, Path dir, Options o, PrintStream out)
      throws IOException {
    try (HfModelDir m = HfModelDir.open(model)) {
      ModelArchitecture arch = ModelArchitecture.of(m.config());
      LoraConfig config = LoraConfig.defaults().withRank(o.rank()).withAlpha(2.0 * o.rank());
      if (o.allLinear()) {
        config = config.withTargets(new TargetModules.AllLinear());
      }
      LoraAdapter a = LoraAdapter.initialise(arch, config, 1);
      SplittableRandom random = new SplittableRandom(3);
      for (LoraAdapter.Module mod : a.modules()) {
        FloatBuffer b = mod.b();
        for (int j = 0; j < b.capacity(); j++) {
          b.put(j, (float) (random.nextGaussian() * 0.01));
        }
      }
      a.save(dir);
      out.printf(
          Locale.ROOT,
          "adapter: rank %d on %d linear layers (%s)%n",
          o.rank(),
          a.modules().size(),
          o.allLinear() ? "all linear" : String.join(", ", arch.defaultLoraTargets()));
    }
    return dir;
  }
}
