package dev.armory.engine.bench;

import dev.armory.engine.data.TokenBatch;
import dev.armory.engine.finetune.BaseWeights;
import dev.armory.engine.finetune.LoraTrainingGraph;
import dev.armory.engine.finetune.SftBatch;
import dev.armory.engine.finetune.SftStepFunction;
import dev.armory.engine.fixtures.TinyModelGenerator;
import dev.armory.engine.hf.HfModelDir;
import dev.armory.engine.hf.LlamaConfig;
import dev.armory.engine.hf.ModelType;
import dev.armory.engine.models.LinearModule;
import dev.armory.engine.models.ModelArchitecture;
import dev.armory.engine.models.ModelParameters;
import dev.armory.engine.peft.LoraAdapter;
import dev.armory.engine.peft.LoraConfig;
import dev.armory.engine.peft.TargetModules;
import dev.armory.engine.quant.QuantizedGraphs;
import dev.armory.engine.runtime.SessionConfig;
import dev.armory.engine.tokenizer.TinyTokenizer;
import dev.armory.engine.train.AdamW;
import dev.armory.engine.train.Parameter;
import dev.armory.engine.train.Parameters;
import dev.armory.engine.train.SplitMix64;
import dev.armory.engine.train.StepOutput;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Measures LoRA/QLoRA training throughput on a generated Llama of a few million parameters:
 * tokens/s, the FLOP/s that implies, its ratio to an fp32 GEMM measured in the same run, and peak
 * resident memory.
 */
public final class TrainBenchmark {
  /**
   * @param hidden model width C
   * @param layers decoder layers
   * @param batch rows per step
   * @param seq tokens per row
   * @param steps timed steps (after two warm-up steps)
   * @param base frozen base format
   * @param rank LoRA rank (all linear layers)
   * @param threads ONNX Runtime threads per op (0 = one per core)
   * @param profile print where the step's kernel time goes (ONNX Runtime's profiler)
   */
  public record Options(
      int hidden,
      int layers,
      int batch,
      int seq,
      int steps,
      BaseWeights base,
      int rank,
      int threads,
      boolean profile) {
    public static Options defaults() {
      return new Options(256, 6, 8, 128, 10, BaseWeights.NF4, 16, 0, false);
    }
  }

  /** The figures of one run. */
  public record Result(
      long parameters,
      long trainableParameters,
      double stepSeconds,
      double tokensPerSecond,
      double achievedFlops,
      double gemmFlops,
      double baseBytesPerParameter,
      long peakRssBytes) {
    public double ratioToGemm() {
      return achievedFlops / gemmFlops;
    }
  }

  private TrainBenchmark() {}

  public static Result run(Options o, PrintStream out) throws IOException {
    Path dir = Files.createTempDirectory("armory-bench-train");
    try {
      TinyTokenizer.Written tok = TinyTokenizer.write(dir, o.seq());
      int heads = Math.max(1, o.hidden() / 32);
      LlamaConfig config =
          new LlamaConfig(
              ModelType.LLAMA,
              tok.vocabSize(),
              o.hidden(),
              o.hidden() * 8 / 3 / 64 * 64,
              o.layers(),
              heads,
              Math.max(1, heads / 2),
              o.hidden() / heads,
              Math.max(o.seq(), 64),
              1e-5,
              10000.0,
              null,
              "silu",
              false,
              false,
              false,
              false,
              null,
              0,
              tok.bosId(),
              List.of(tok.eosId()),
              null,
              "float32");
      TinyModelGenerator.writeModel(config, dir, 1);
      SessionConfig base = SessionConfig.defaults().withThreads(o.threads());
      SessionConfig session = o.profile() ? base.withProfiling(dir.resolve("profile")) : base;
      try (HfModelDir model = HfModelDir.open(dir)) {
        ModelArchitecture arch = ModelArchitecture.of(model.config());
        ModelParameters params = ModelParameters.frozen(arch.bind(model.weights()));
        LoraAdapter adapter =
            LoraAdapter.initialise(
                arch,
                LoraConfig.defaults()
                    .withRank(o.rank())
                    .withAlpha(2.0 * o.rank())
                    .withTargets(new TargetModules.AllLinear()),
                1);
        Parameters trainable = new Parameters();
        for (LoraAdapter.Module m : adapter.modules()) {
          trainable.wrap(m.aKey(), m.aShape(), m.a());
          trainable.wrap(m.bKey(), m.bShape(), m.b());
        }
        LoraTrainingGraph graphs = LoraTrainingGraph.build(arch, params, adapter, o.base());
        double bytesPerParameter =
            graphs.quantized()
                ? QuantizedGraphs.residentBytes(graphs.trainingGraph().graph()).bytesPerParameter()
                : 4.0;
        SftBatch batch = randomBatch(o, tok.vocabSize());
        double seconds;
        try (SftStepFunction step = new SftStepFunction(graphs, trainable, session)) {
          AdamW adam = new AdamW(trainable, 0.9, 0.999, 1e-8, 0);
          Parameters grads = trainable.zerosLike();
          SplitMix64 random = new SplitMix64(1);
          for (int i = 0; i < 2; i++) {
            update(step.forwardBackward(batch, trainable, random), grads, adam, trainable);
          }
          long t0 = System.nanoTime();
          for (int i = 0; i < o.steps(); i++) {
            update(step.forwardBackward(batch, trainable, random), grads, adam, trainable);
          }
          seconds = (System.nanoTime() - t0) / 1e9 / o.steps();
          if (o.profile() && out != null) {
            Path trace = Path.of("armory-train-profile.json").toAbsolutePath();
            Files.copy(
                step.endProfiling(), trace, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            ProfileSummary.print(ProfileSummary.read(trace), 15, out);
            out.println(
                "full trace (open in https://ui.perfetto.dev or chrome://tracing): " + trace);
          }
        }
        long tokens = (long) o.batch() * o.seq();
        double flops = stepFlops(arch, config, o) / seconds;
        double gemm = GemmPeak.measure(1024, 5, base);
        Result r =
            new Result(
                arch.parameterCount(),
                trainable.elementCount(),
                seconds,
                tokens / seconds,
                flops,
                gemm,
                bytesPerParameter,
                ProcessMemory.peakRssBytes());
        if (out != null) {
          report(r, o, out);
        }
        return r;
      }
    } finally {
      deleteTree(dir);
    }
  }

  private static void update(StepOutput s, Parameters grads, AdamW adam, Parameters params) {
    for (Parameter g : grads.all()) {
      FloatBuffer src = s.gradients().get(g.name());
      for (int i = 0, n = g.size(); i < n; i++) {
        g.data().put(i, src.get(i));
      }
    }
    adam.step(params, grads, 1e-4);
  }

  /**
   * Floating-point work of one step: forward 2·N·tokens over the frozen linear layers and the
   * output head, the same again for their input gradients (no weight gradients: frozen), the LoRA
   * branches (forward, input and factor gradients) and attention scores and mixing (forward and
   * twice that backward).
   */
  static double stepFlops(ModelArchitecture arch, LlamaConfig c, Options o) {
    double tokens = (double) o.batch() * o.seq();
    double linear = (double) c.vocabularySize() * c.hiddenSize();
    double lora = 0;
    for (LinearModule m : arch.linearModules()) {
      linear += (double) m.inFeatures() * m.outFeatures();
      lora += (double) o.rank() * (m.inFeatures() + m.outFeatures());
    }
    double attention =
        c.numberOfLayers()
            * 2.0
            * 2.0
            * o.batch()
            * c.numberOfHeads()
            * c.headSize()
            * (double) o.seq()
            * o.seq();
    return 4 * linear * tokens + 6 * lora * tokens + 3 * attention;
  }

  static SftBatch randomBatch(Options o, int vocab) {
    int n = o.batch() * o.seq();
    long[] ids = new long[n];
    long[] mask = new long[n];
    long[] positions = new long[n];
    long[] labels = new long[n];
    long[] segments = new long[n];
    SplitMix64 r = new SplitMix64(5);
    for (int i = 0; i < n; i++) {
      ids[i] = r.nextInt(vocab);
      mask[i] = 1;
      positions[i] = i % o.seq();
      segments[i] = 1;
    }
    for (int i = 0; i < n; i++) {
      labels[i] = (i + 1) % o.seq() == 0 ? TokenBatch.IGNORE_INDEX : ids[i + 1];
    }
    return new SftBatch(
        new TokenBatch(
            o.batch(), o.seq(), ids, mask, positions, labels, segments, n, n - o.batch()));
  }

  static void report(Result r, Options o, PrintStream out) {
    out.printf(
        "model: Llama %d layers × %d wide, %,d parameters (%s base, %.3f bytes/param resident);"
            + " LoRA r=%d on all linear layers, %,d trainable%n",
        o.layers(),
        o.hidden(),
        r.parameters(),
        o.base().name().toLowerCase(),
        r.baseBytesPerParameter(),
        o.rank(),
        r.trainableParameters());
    out.printf("batch: %d × %d tokens per step, %d timed steps%n", o.batch(), o.seq(), o.steps());
    out.printf(
        "step: %.1f ms | %.0f training tokens/s%n", r.stepSeconds() * 1e3, r.tokensPerSecond());
    out.printf(
        "compute: %.2f GFLOP/s achieved | fp32 GEMM 1024³ in ONNX Runtime: %.2f GFLOP/s |"
            + " ratio %.3f%n",
        r.achievedFlops() / 1e9, r.gemmFlops() / 1e9, r.ratioToGemm());
    out.printf("memory: peak RSS %.1f MiB%n", r.peakRssBytes() / 1048576.0);
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
