package dev.armory.engine.bench;

import dev.armory.engine.fixtures.TinyModelGenerator;
import dev.armory.engine.generate.DecodeEngine;
import dev.armory.engine.generate.EngineConfig;
import dev.armory.engine.generate.EngineLimits;
import dev.armory.engine.generate.GenerationHandle;
import dev.armory.engine.generate.GenerationListener;
import dev.armory.engine.generate.GenerationRequest;
import dev.armory.engine.generate.GenerationResult;
import dev.armory.engine.generate.TokenDelta;
import dev.armory.engine.generate.WeightFormat;
import dev.armory.engine.generate.adapters.AdapterLease;
import dev.armory.engine.generate.adapters.AdapterStats;
import dev.armory.engine.generate.kv.KvCacheGraph;
import dev.armory.engine.hf.HfModelDir;
import dev.armory.engine.hf.LlamaConfig;
import dev.armory.engine.hf.ModelType;
import dev.armory.engine.models.ModelArchitecture;
import dev.armory.engine.peft.LoraAdapter;
import dev.armory.engine.peft.LoraConfig;
import dev.armory.engine.runtime.SessionConfig;
import dev.armory.engine.tokenizer.TinyTokenizer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Measures the decode engine in one run: first-token latency, decode tokens/s at batch 1 and 8,
 * mixed-adapter against single-adapter batch throughput, and adapter switch latency with many
 * adapters registered (most of them cold, so a switch usually loads one from disk).
 */
public final class DecodeBenchmark {
  /**
   * @param model a model directory, or null to generate a random Llama of {@code syntheticHidden}
   * @param syntheticHidden width of the generated Llama (when model is null)
   * @param syntheticLayers its layers
   * @param weights base weight format
   * @param graph attention kernel and fused kernels
   * @param promptTokens prompt length
   * @param newTokens tokens generated per request in the throughput runs
   * @param adapters adapters registered for the switch measurement
   * @param residentAdapters how many of them the adapter budget holds at once
   * @param switches requests in the switch measurement
   * @param rank LoRA rank of the generated adapters
   * @param threads ONNX Runtime threads per op (0 = one per core)
   */
  public record Options(
      Path model,
      int syntheticHidden,
      int syntheticLayers,
      WeightFormat weights,
      KvCacheGraph.Options graph,
      int promptTokens,
      int newTokens,
      int adapters,
      int residentAdapters,
      int switches,
      int rank,
      int threads) {}

  /** The figures of one run. */
  public record Result(
      double firstTokenMillisP50,
      double batch1TokensPerSecond,
      double batch8TokensPerSecond,
      double singleAdapterBatch8TokensPerSecond,
      double mixedAdapterBatch8TokensPerSecond,
      double switchAcquireMillisP50,
      double switchAcquireMillisP99,
      double switchFirstTokenMillisP50,
      double switchFirstTokenMillisP99,
      double hotFirstTokenMillisP50) {
    public double mixedToSingleRatio() {
      return mixedAdapterBatch8TokensPerSecond / singleAdapterBatch8TokensPerSecond;
    }
  }

  private static final int BATCH = 8;
  private static final int RUNS = 3;

  private DecodeBenchmark() {}

  public static Result run(Options o, PrintStream out) throws IOException {
    Path work = Files.createTempDirectory("armory-bench-decode");
    try {
      Path model = o.model() != null ? o.model() : synthetic(work.resolve("model"), o);
      Path adapterDir = work.resolve("adapters");
      long adapterBytes = writeAdapters(model, adapterDir, o, out);
      EngineConfig config =
          EngineConfig.defaults()
              .withWeights(o.weights())
              .withGraph(o.graph())
              .withLimits(EngineLimits.defaults().withMaxBatchSize(BATCH))
              .withAdapterBudgetBytes(Math.max(1, adapterBytes * o.residentAdapters()))
              .withSession(SessionConfig.defaults().withThreads(o.threads()));
      try (DecodeEngine engine = DecodeEngine.open(model, config)) {
        describe(engine, model, o, out);
        int vocabulary = engine.modelConfig().vocabularySize();
        int newTokens =
            Math.min(
                o.newTokens(), engine.modelConfig().maxPositionEmbeddings() - o.promptTokens() - 1);
        registerAdapters(engine, adapterDir, o.adapters());
        // Warm-up: the session's first runs allocate; adapters' first use builds the LoRA session.
        engine.generate(GenerationRequest.greedy(prompt(0, o.promptTokens(), vocabulary), 8));
        engine.generate(
            GenerationRequest.greedy(prompt(1, o.promptTokens(), vocabulary), 8)
                .withAdapter(id(0)));

        double[] ttft = new double[9];
        for (int i = 0; i < ttft.length; i++) {
          GenerationResult r =
              engine.generate(GenerationRequest.greedy(prompt(i, o.promptTokens(), vocabulary), 1));
          ttft[i] = r.timeToFirstTokenNanos() / 1e6;
        }
        double firstToken = percentile(ttft, 50);
        out.printf(
            Locale.ROOT,
            "first-token latency (prompt %d tokens, base model): p50 %.2f ms%n",
            o.promptTokens(),
            firstToken);

        double batch1 =
            median(() -> decodeRate(engine, 1, newTokens, o.promptTokens(), vocabulary, k -> null));
        out.printf(Locale.ROOT, "decode, batch 1: %.1f tokens/s%n", batch1);
        double batch8 =
            median(
                () ->
                    decodeRate(engine, BATCH, newTokens, o.promptTokens(), vocabulary, k -> null));
        out.printf(
            Locale.ROOT,
            "decode, batch %d: %.1f tokens/s (%.2f× batch 1)%n",
            BATCH,
            batch8,
            batch8 / batch1);
        // Pre-load the 8 adapters so the two batch runs compare decoding, not disk reads.
        for (int i = 0; i < BATCH; i++) {
          engine.adapters().load(id(i));
        }
        // Alternate the two so drift in the machine's speed hits both alike; medians of 3.
        double[] singles = new double[RUNS];
        double[] mixes = new double[RUNS];
        for (int run = 0; run < RUNS; run++) {
          singles[run] =
              decodeRate(engine, BATCH, newTokens, o.promptTokens(), vocabulary, k -> id(0));
          mixes[run] =
              decodeRate(
                  engine, BATCH, newTokens, o.promptTokens(), vocabulary, DecodeBenchmark::id);
        }
        double single = percentile(singles, 50);
        double mixed = percentile(mixes, 50);
        out.printf(
            Locale.ROOT,
            "decode, batch %d, one adapter on every row: %.1f tokens/s; %d different adapters: %.1f tokens/s;"
                + " mixed / single = %.3f%n",
            BATCH,
            single,
            BATCH,
            mixed,
            mixed / single);

        double[] switchStats = switchLatency(engine, o, vocabulary, out);
        return new Result(
            firstToken,
            batch1,
            batch8,
            single,
            mixed,
            switchStats[0],
            switchStats[1],
            switchStats[2],
            switchStats[3],
            switchStats[4]);
      }
    } finally {
      deleteTree(work);
    }
  }

  /**
   * Decode tokens/s of {@code rows} requests decoding together: tokens produced after the last row
   * joined, over the time from then to the end (prompts excluded).
   */
  static double decodeRate(
      DecodeEngine engine,
      int rows,
      int newTokens,
      int promptTokens,
      int vocabulary,
      java.util.function.IntFunction<String> adapterOf) {
    AtomicLong joined = new AtomicLong();
    AtomicLong firsts = new AtomicLong();
    long[] counted = new long[1];
    List<GenerationHandle> handles = new ArrayList<>();
    Object lock = new Object();
    GenerationListener listener =
        new GenerationListener() {
          @Override
          public void onToken(TokenDelta d) {
            synchronized (lock) {
              if (d.index() == 0) {
                if (firsts.incrementAndGet() == rows) {
                  joined.set(System.nanoTime());
                }
              } else if (joined.get() != 0) {
                counted[0]++;
              }
            }
          }
        };
    for (int i = 0; i < rows; i++) {
      GenerationRequest r =
          GenerationRequest.greedy(prompt(100 + i, promptTokens, vocabulary), newTokens)
              .withAdapter(adapterOf.apply(i));
      handles.add(engine.submit(r, listener));
    }
    handles.forEach(h -> h.result().join());
    long end = System.nanoTime();
    synchronized (lock) {
      return counted[0] / ((end - joined.get()) / 1e9);
    }
  }

  /** p50/p99 of acquiring a random registered adapter, and of the first token after a switch. */
  private static double[] switchLatency(
      DecodeEngine engine, Options o, int vocabulary, PrintStream out) throws IOException {
    SplittableRandom random = new SplittableRandom(17);
    double[] acquire = new double[o.switches()];
    for (int i = 0; i < acquire.length; i++) {
      String id = id(random.nextInt(o.adapters()));
      long t0 = System.nanoTime();
      try (AdapterLease lease = engine.adapters().acquire(id)) {
        acquire[i] = (System.nanoTime() - t0) / 1e6;
      }
    }
    AdapterStats before = engine.adapters().stats();
    double[] switched = new double[o.switches()];
    for (int i = 0; i < switched.length; i++) {
      String id = id(random.nextInt(o.adapters()));
      GenerationResult r =
          engine.generate(
              GenerationRequest.greedy(prompt(i, o.promptTokens(), vocabulary), 1).withAdapter(id));
      switched[i] = r.timeToFirstTokenNanos() / 1e6;
    }
    AdapterStats after = engine.adapters().stats();
    double[] hot = new double[Math.max(9, o.switches() / 4)];
    for (int i = 0; i < hot.length; i++) {
      GenerationResult r =
          engine.generate(
              GenerationRequest.greedy(prompt(i, o.promptTokens(), vocabulary), 1)
                  .withAdapter(id(0)));
      hot[i] = r.timeToFirstTokenNanos() / 1e6;
    }
    long misses = after.misses() - before.misses();
    long hits = after.hits() - before.hits();
    out.printf(
        Locale.ROOT,
        "adapter switch, %d adapters registered, budget for %d resident: acquire p50 %.2f ms p99 %.2f ms;"
            + " first token after a switch p50 %.2f ms p99 %.2f ms (%d misses, %d hits);"
            + " first token on a resident adapter p50 %.2f ms%n",
        o.adapters(),
        o.residentAdapters(),
        percentile(acquire, 50),
        percentile(acquire, 99),
        percentile(switched, 50),
        percentile(switched, 99),
        misses,
        hits,
        percentile(hot, 50));
    out.println("adapter registry: " + engine.adapters().stats());
    return new double[] {
      percentile(acquire, 50),
      percentile(acquire, 99),
      percentile(switched, 50),
      percentile(switched, 99),
      percentile(hot, 50)
    };
  }

  private static double median(java.util.function.DoubleSupplier run) {
    double[] v = new double[RUNS];
    for (int i = 0; i < RUNS; i++) {
      v[i] = run.getAsDouble();
    }
    return percentile(v, 50);
  }

  static String id(int i) {
    return String.format(Locale.ROOT, "adapter-%04d", i);
  }

  static int[] prompt(int seed, int length, int vocabulary) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] p = new int[length];
    for (int i = 0; i < length; i++) {
      p[i] = 3 + r.nextInt(vocabulary - 3);
    }
    return p;
  }

  static double percentile(double[] values, double p) {
    double[] s = values.clone();
    Arrays.sort(s);
    int i = (int) Math.ceil(p / 100.0 * s.length) - 1;
    return s[Math.max(0, Math.min(s.length - 1, i))];
  }

  /**
   * Writes the adapters' directories: distinct random rank-r adapters on the default targets, up to
   * 256 MiB of them; beyond that the ids share directories (each id still loads separately).
   */
  private static long writeAdapters(Path model, Path dir, Options o, PrintStream out)
      throws IOException {
    try (HfModelDir m = HfModelDir.open(model)) {
      ModelArchitecture arch = ModelArchitecture.of(m.config());
      LoraConfig config = LoraConfig.defaults().withRank(o.rank()).withAlpha(2.0 * o.rank());
      LoraAdapter first = LoraAdapter.initialise(arch, config, 0);
      long bytes = 4 * first.parameterCount();
      int distinct = (int) Math.max(1, Math.min(o.adapters(), (256L << 20) / Math.max(1, bytes)));
      SplittableRandom random = new SplittableRandom(5);
      for (int i = 0; i < distinct; i++) {
        LoraAdapter a = LoraAdapter.initialise(arch, config, i);
        for (LoraAdapter.Module mod : a.modules()) {
          FloatBuffer b = mod.b();
          for (int j = 0; j < b.capacity(); j++) {
            b.put(j, (float) (random.nextGaussian() * 0.01));
          }
        }
        a.save(dir.resolve("files").resolve(Integer.toString(i)));
      }
      out.printf(
          Locale.ROOT,
          "adapters: %d ids over %d distinct directories, rank %d on %s, %d bytes each%n",
          o.adapters(),
          distinct,
          o.rank(),
          arch.defaultLoraTargets(),
          bytes);
      return bytes;
    }
  }

  private static void registerAdapters(DecodeEngine engine, Path dir, int count)
      throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(dir.resolve("files"))) {
      files =
          s.sorted(Comparator.comparing(p -> Integer.parseInt(p.getFileName().toString())))
              .toList();
    }
    for (int i = 0; i < count; i++) {
      engine.adapters().register(id(i), files.get(i % files.size()));
    }
  }

  private static void describe(DecodeEngine engine, Path model, Options o, PrintStream out) {
    KvCacheGraph.Options g = o.graph();
    out.printf(
        Locale.ROOT,
        "model %s (%s, %d layers, hidden %d, vocabulary %d); weights %s; attention %s, fused norms %s,"
            + " contrib rotary %s; threads %s%n",
        o.model() != null ? model : "synthetic",
        engine.modelConfig().modelType(),
        engine.modelConfig().numberOfLayers(),
        engine.modelConfig().hiddenSize(),
        engine.modelConfig().vocabularySize(),
        o.weights().name().toLowerCase(Locale.ROOT),
        g.attention(),
        g.fusedNormalization(),
        g.contribRotary(),
        o.threads() == 0 ? "one per core" : o.threads());
  }

  private static Path synthetic(Path dir, Options o) throws IOException {
    return syntheticLlama(dir, o.syntheticHidden(), o.syntheticLayers());
  }

  /** A random Llama of {@code hidden} width and {@code layers} layers with the tiny tokenizer. */
  static Path syntheticLlama(Path dir, int hidden, int layers) throws IOException {
    TinyTokenizer.Written tok = TinyTokenizer.write(dir, 1024);
    int heads = Math.max(1, hidden / 64);
    LlamaConfig config =
        new LlamaConfig(
            ModelType.LLAMA,
            tok.vocabSize(),
            hidden,
            hidden * 8 / 3 / 64 * 64,
            layers,
            heads,
            Math.max(1, heads / 4),
            hidden / heads,
            1024,
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
    return dir;
  }

  static void deleteTree(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
