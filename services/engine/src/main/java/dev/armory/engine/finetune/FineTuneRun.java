package dev.armory.engine.finetune;

import dev.armory.engine.data.Collator;
import dev.armory.engine.data.Dataset;
import dev.armory.engine.data.EncodeOptions;
import dev.armory.engine.data.EncodedDataset;
import dev.armory.engine.data.EncodedPreferences;
import dev.armory.engine.data.EvalSplit;
import dev.armory.engine.data.ExampleEncoder;
import dev.armory.engine.data.JsonlDatasetReader;
import dev.armory.engine.data.Packer;
import dev.armory.engine.data.PreferenceExample;
import dev.armory.engine.data.ReadOptions;
import dev.armory.engine.data.TokenizedExample;
import dev.armory.engine.data.TrainingRow;
import dev.armory.engine.graph.Graph;
import dev.armory.engine.hf.HfModelDir;
import dev.armory.engine.models.ModelArchitecture;
import dev.armory.engine.models.ModelParameters;
import dev.armory.engine.peft.LoraAdapter;
import dev.armory.engine.peft.LoraConfig;
import dev.armory.engine.quant.QuantizedGraphs;
import dev.armory.engine.tokenizer.HfTokenizer;
import dev.armory.engine.train.Checkpoint;
import dev.armory.engine.train.Parameters;
import dev.armory.engine.train.ProgressListener;
import dev.armory.engine.train.RunDirectory;
import dev.armory.engine.train.RunLineage;
import dev.armory.engine.train.Trainer;
import dev.armory.engine.train.TrainerBuilder;
import dev.armory.engine.train.TrainingResult;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A LoRA/QLoRA fine-tuning run from files to adapter: reads the model and data, builds the adapter
 * and the training graphs, and drives the trainer. The objective is supervised fine-tuning, or DPO
 * on preference pairs when the request says so: then the reference policy's log-probs are computed
 * once, before the first step, with the forward graph over the same frozen weights. Resuming
 * continues the run in the same directory from its last checkpoint.
 */
public final class FineTuneRun {
  private final FineTuneRequest request;
  private final List<ProgressListener> listeners = new ArrayList<>();
  private PrintStream console = System.out;
  private volatile Trainer<?> trainer;
  private double baseEvalLoss = Double.NaN;
  private volatile boolean stopRequested;
  private volatile Map<String, Double> lastMetrics = Map.of();

  public FineTuneRun(FineTuneRequest request) {
    this.request = request;
  }

  /** Adds a progress listener (progress bar, event publisher). */
  public FineTuneRun listener(ProgressListener l) {
    listeners.add(l);
    return this;
  }

  /** Where the trainer prints its settings and step lines (null for silence). */
  public FineTuneRun console(PrintStream out) {
    console = out;
    return this;
  }

  /**
   * Asks the run to stop after the current step with a checkpoint, so {@code run(true)} can
   * continue it (Ctrl-C, a cancelled job).
   */
  public void requestStop() {
    stopRequested = true;
    Trainer<?> t = trainer;
    if (t != null) {
      t.requestStop();
    }
  }

  /** Trains from scratch (or resumes when {@code resume} and a checkpoint exists). */
  public TrainingResult run(boolean resume) throws IOException {
    try (HfModelDir model = HfModelDir.open(request.modelDir());
        HfTokenizer tokenizer = HfTokenizer.load(request.modelDir())) {
      ModelArchitecture arch = ModelArchitecture.of(model.config());
      ModelParameters params = ModelParameters.frozen(arch.bind(model.weights()));
      ReadOptions read = ReadOptions.defaults().withSkipBadLines(request.skipBadLines());
      Dataset train = JsonlDatasetReader.read(request.trainData(), read);
      Dataset eval = null;
      if (request.evalData() != null) {
        EvalSplit.Split s =
            EvalSplit.separate(train, JsonlDatasetReader.read(request.evalData(), read));
        train = s.train();
        eval = s.eval();
      } else if (request.evalFraction() > 0) {
        EvalSplit.Split s =
            EvalSplit.heldOut(train, request.evalFraction(), request.training().seed());
        train = s.train();
        eval = s.eval();
      }
      if (request.isDpo()) {
        return runDpo(model, tokenizer, arch, params, train, eval, resume);
      }
      if (train.isPreference()) {
        throw new IllegalArgumentException(
            request.trainData()
                + " holds preference pairs (prompt/chosen/rejected); train them with the DPO"
                + " objective (--objective dpo)");
      }
      ExampleEncoder encoder =
          new ExampleEncoder(
              tokenizer,
              EncodeOptions.of(request.maxSeqLen())
                  .withTrainOnInputs(request.trainOnInputs())
                  .withSkipBadLines(request.skipBadLines()));
      EncodedDataset trainSet = encoder.encode(train);
      if (trainSet.examples().isEmpty()) {
        throw new IllegalArgumentException(
            request.trainData() + ": no example has a token to train on after encoding");
      }
      Collator collator = Collator.forTokenizer(tokenizer);

      LoraAdapter adapter =
          LoraAdapter.initialise(
              arch,
              request.lora().withBaseModel(request.modelDir().toString()),
              request.training().seed());
      Parameters trainable = trainableFactors(adapter);
      LoraTrainingGraph graphs = LoraTrainingGraph.build(arch, params, adapter, request.base());
      try (SftStepFunction step = new SftStepFunction(graphs, trainable, request.session())) {
        TrainerBuilder<SftBatch> builder =
            Trainer.<SftBatch>builder()
                .config(request.training())
                .parameters(trainable)
                .stepFunction(step)
                .runDirectory(request.runDir())
                .lineage(lineage(model, arch, adapter, graphs, train, eval, trainSet))
                .adapterWriter((dir, p) -> adapter.save(dir))
                .console(console);
        if (request.packing()) {
          List<TrainingRow> rows = Packer.pack(trainSet.examples(), request.maxSeqLen());
          builder.trainData(rows, r -> new SftBatch(collator.collate(r)));
        } else {
          builder.trainData(trainSet.examples(), e -> new SftBatch(collator.collateExamples(e)));
        }
        if (eval != null && !eval.records().isEmpty()) {
          List<TokenizedExample> evalSet = encoder.encode(eval).examples();
          if (!evalSet.isEmpty()) {
            builder.evalData(evalSet, e -> new SftBatch(collator.collateExamples(e)));
            if (!resume) {
              // The fresh adapter is the identity (B = 0): this is the base model's eval loss.
              baseEvalLoss = evalLoss(step, trainable, evalSet, collator);
              if (console != null) {
                console.printf("base model eval loss: %.6f%n", baseEvalLoss);
              }
            }
          }
        }
        listeners.forEach(builder::listener);
        builder.listener(lastMetricsListener());
        trainer = builder.build();
        if (stopRequested) {
          trainer.requestStop();
        }
        return start(trainer, resume);
      }
    }
  }

  private TrainingResult start(Trainer<?> t, boolean resume) throws IOException {
    RunDirectory dir = new RunDirectory(request.runDir());
    boolean hasCheckpoint =
        Files.isDirectory(dir.checkpoints()) && Checkpoint.latest(dir.checkpoints()).isPresent();
    return resume && hasCheckpoint ? t.resume() : t.run();
  }

  /**
   * DPO: encodes the pairs, computes the reference log-probs of every pair once with the starting
   * factors (B = 0: the base model; or the start adapter), then trains.
   */
  private TrainingResult runDpo(
      HfModelDir model,
      HfTokenizer tokenizer,
      ModelArchitecture arch,
      ModelParameters params,
      Dataset train,
      Dataset eval,
      boolean resume)
      throws IOException {
    DpoOptions dpo = request.dpo();
    ExampleEncoder encoder =
        new ExampleEncoder(
            tokenizer,
            EncodeOptions.of(request.maxSeqLen()).withSkipBadLines(request.skipBadLines()));
    EncodedPreferences trainSet = encoder.encodePreferences(train);
    if (trainSet.pairs().isEmpty()) {
      throw new IllegalArgumentException(
          request.trainData()
              + ": no preference pair is left after encoding (every prompt fills max_seq_len "
              + request.maxSeqLen()
              + "); raise --max-seq-len or shorten the prompts");
    }
    List<PreferenceExample> evalPairs =
        eval == null || eval.records().isEmpty()
            ? List.of()
            : encoder.encodePreferences(eval).pairs();
    LoraAdapter adapter =
        dpo.startAdapter() != null
            ? LoraAdapter.load(dpo.startAdapter(), arch)
            : LoraAdapter.initialise(
                arch,
                request.lora().withBaseModel(request.modelDir().toString()),
                request.training().seed());
    Parameters trainable = trainableFactors(adapter);
    DpoTrainingGraph graphs =
        DpoTrainingGraph.build(
            arch, params, adapter, request.base(), dpo.beta(), dpo.labelSmoothing());
    Collator collator = Collator.forTokenizer(tokenizer);
    try (DpoStepFunction step =
        new DpoStepFunction(
            graphs, trainable, request.session(), dpo.beta(), dpo.labelSmoothing())) {
      // Before any step (and before a resume loads its checkpoint) the factors are the start.
      long t0 = System.nanoTime();
      List<DpoExample> trainPairs = withReference(step, collator, trainSet.pairs());
      List<DpoExample> evalSet = withReference(step, collator, evalPairs);
      if (console != null) {
        console.printf(
            "reference log-probs (%s): %d pairs in %.1f s%n",
            dpo.startAdapter() != null ? "start adapter " + dpo.startAdapter() : "base model",
            trainPairs.size() + evalSet.size(),
            (System.nanoTime() - t0) / 1e9);
      }
      Map<String, Object> extra = new LinkedHashMap<>();
      extra.put("objective", "dpo");
      extra.put("dpo_beta", dpo.beta());
      extra.put("dpo_label_smoothing", dpo.labelSmoothing());
      extra.put(
          "reference",
          dpo.startAdapter() != null
              ? dpo.startAdapter().toAbsolutePath().toString()
              : "base model");
      extra.put("train_pairs", trainPairs.size());
      extra.put("eval_pairs", evalSet.size());
      extra.put("truncated_pairs", trainSet.truncated());
      extra.put("dropped_pairs", trainSet.dropped().size());
      extra.put("skipped_lines", train.badLines().size() + trainSet.skipped().size());
      TrainerBuilder<DpoBatch> builder =
          Trainer.<DpoBatch>builder()
              .config(request.training())
              .parameters(trainable)
              .stepFunction(step)
              .runDirectory(request.runDir())
              .lineage(
                  new RunLineage(
                      ModelHashes.sha256(model),
                      train.sha256(),
                      eval == null ? null : eval.sha256(),
                      adapterFacts(
                          arch,
                          adapter,
                          graphs.quantized() ? graphs.trainingGraph().graph() : null,
                          extra)))
              .adapterWriter((dir, p) -> adapter.save(dir))
              .console(console)
              .trainData(trainPairs, pairs -> DpoBatch.of(collator, pairs));
      if (!evalSet.isEmpty()) {
        builder.evalData(evalSet, pairs -> DpoBatch.of(collator, pairs));
      }
      listeners.forEach(builder::listener);
      builder.listener(lastMetricsListener());
      Trainer<DpoBatch> t = builder.build();
      trainer = t;
      if (stopRequested) {
        t.requestStop();
      }
      return start(t, resume);
    }
  }

  /** The pairs with the reference log-probs of their completions, in micro-batches. */
  private List<DpoExample> withReference(
      DpoStepFunction step, Collator collator, List<PreferenceExample> pairs) {
    List<DpoExample> out = new ArrayList<>(pairs.size());
    int batch = request.training().microBatchSize();
    for (int i = 0; i < pairs.size(); i += batch) {
      List<PreferenceExample> chunk = pairs.subList(i, Math.min(pairs.size(), i + batch));
      float[] ref = step.logProbs(collator.collatePreferences(chunk));
      for (int k = 0; k < chunk.size(); k++) {
        out.add(new DpoExample(chunk.get(k), ref[k], ref[k + chunk.size()]));
      }
    }
    return out;
  }

  private static Parameters trainableFactors(LoraAdapter adapter) {
    Parameters trainable = new Parameters();
    for (LoraAdapter.Module m : adapter.modules()) {
      trainable.wrap(m.aKey(), m.aShape(), m.a());
      trainable.wrap(m.bKey(), m.bShape(), m.b());
    }
    return trainable;
  }

  /**
   * The objective's metrics of the last step (DPO: rewards/chosen, rewards/rejected,
   * rewards/accuracy, rewards/margin); empty for SFT or before the first step.
   */
  public Map<String, Double> lastMetrics() {
    return lastMetrics;
  }

  private ProgressListener lastMetricsListener() {
    return new ProgressListener() {
      @Override
      public void stepped(StepProgress p) {
        lastMetrics = p.metrics();
      }
    };
  }

  /** The base model's loss on the eval set before training (NaN without eval data or on resume). */
  public double baseEvalLoss() {
    return baseEvalLoss;
  }

  private double evalLoss(
      SftStepFunction step, Parameters params, List<TokenizedExample> evalSet, Collator collator) {
    int batch = request.training().microBatchSize();
    double sum = 0;
    long tokens = 0;
    for (int i = 0; i < evalSet.size(); i += batch) {
      SftBatch b =
          new SftBatch(
              collator.collateExamples(evalSet.subList(i, Math.min(evalSet.size(), i + batch))));
      var out = step.evaluate(b, params);
      sum += out.loss() * out.lossTokens();
      tokens += out.lossTokens();
    }
    return tokens == 0 ? Double.NaN : sum / tokens;
  }

  private RunLineage lineage(
      HfModelDir model,
      ModelArchitecture arch,
      LoraAdapter adapter,
      LoraTrainingGraph graphs,
      Dataset train,
      Dataset eval,
      EncodedDataset encoded)
      throws IOException {
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("objective", "sft");
    extra.put("packing", request.packing());
    extra.put("train_on_inputs", request.trainOnInputs());
    extra.put("train_examples", encoded.examples().size());
    extra.put("truncated_examples", encoded.truncated());
    extra.put("dropped_examples", encoded.dropped().size());
    extra.put("skipped_lines", train.badLines().size() + encoded.skipped().size());
    return new RunLineage(
        ModelHashes.sha256(model),
        train.sha256(),
        eval == null ? null : eval.sha256(),
        adapterFacts(
            arch, adapter, graphs.quantized() ? graphs.trainingGraph().graph() : null, extra));
  }

  /**
   * Method, model and adapter facts for the manifest, followed by the objective's {@code extra}.
   */
  private Map<String, Object> adapterFacts(
      ModelArchitecture arch,
      LoraAdapter adapter,
      Graph quantizedGraph,
      Map<String, Object> objective) {
    Map<String, Object> facts = new LinkedHashMap<>();
    LoraConfig lora = adapter.config();
    facts.put("method", request.base() == BaseWeights.FLOAT32 ? "lora" : "qlora");
    facts.put("base_model", request.modelDir().toAbsolutePath().toString());
    facts.put("model_type", arch.modelType().hfName());
    facts.put("base_weights", request.base().name().toLowerCase());
    facts.put("lora_r", lora.rank());
    facts.put("lora_alpha", lora.alpha());
    facts.put("lora_dropout", lora.dropout());
    facts.put("use_rslora", lora.useRslora());
    facts.put("target_modules", adapter.modules().stream().map(m -> m.target().name()).toList());
    facts.put("trainable_parameters", adapter.parameterCount());
    facts.put("max_seq_len", request.maxSeqLen());
    facts.putAll(objective);
    if (quantizedGraph != null) {
      var bytes = QuantizedGraphs.residentBytes(quantizedGraph);
      facts.put("base_weight_bytes_per_quantised_parameter", bytes.bytesPerParameter());
    }
    return facts;
  }
}
