package dev.armory.engine.finetune;

import dev.armory.engine.data.Collator;
import dev.armory.engine.data.Dataset;
import dev.armory.engine.data.EncodeOptions;
import dev.armory.engine.data.EncodedDataset;
import dev.armory.engine.data.EvalSplit;
import dev.armory.engine.data.ExampleEncoder;
import dev.armory.engine.data.JsonlDatasetReader;
import dev.armory.engine.data.Packer;
import dev.armory.engine.data.ReadOptions;
import dev.armory.engine.data.TokenizedExample;
import dev.armory.engine.data.TrainingRow;
import dev.armory.engine.hf.HfModelDir;
import dev.armory.engine.models.ModelArchitecture;
import dev.armory.engine.models.ModelParameters;
import dev.armory.engine.peft.LoraAdapter;
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
 * A LoRA/QLoRA supervised fine-tuning run from files to adapter: reads the model and data, builds
 * the adapter and the training graphs, and drives the trainer. Resuming continues the run in the
 * same directory from its last checkpoint.
 */
public final class FineTuneRun {
  private final FineTuneRequest request;
  private final List<ProgressListener> listeners = new ArrayList<>();
  private PrintStream console = System.out;
  private volatile Trainer<SftBatch> trainer;
  private double baseEvalLoss = Double.NaN;
  private volatile boolean stopRequested;

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
    Trainer<SftBatch> t = trainer;
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
      if (train.isPreference()) {
        throw new IllegalArgumentException(
            request.trainData() + " holds preference pairs; train them with the DPO objective");
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
      Parameters trainable = new Parameters();
      for (LoraAdapter.Module m : adapter.modules()) {
        trainable.wrap(m.aKey(), m.aShape(), m.a());
        trainable.wrap(m.bKey(), m.bShape(), m.b());
      }
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
        trainer = builder.build();
        if (stopRequested) {
          trainer.requestStop();
        }
        boolean hasCheckpoint =
            Files.isDirectory(new RunDirectory(request.runDir()).checkpoints())
                && Checkpoint.latest(new RunDirectory(request.runDir()).checkpoints()) != null;
        return resume && hasCheckpoint ? trainer.resume() : trainer.run();
      }
    }
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
    extra.put("method", request.base() == BaseWeights.FLOAT32 ? "lora" : "qlora");
    extra.put("base_model", request.modelDir().toAbsolutePath().toString());
    extra.put("model_type", arch.modelType().hfName());
    extra.put("base_weights", request.base().name().toLowerCase());
    extra.put("lora_r", request.lora().rank());
    extra.put("lora_alpha", request.lora().alpha());
    extra.put("lora_dropout", request.lora().dropout());
    extra.put("use_rslora", request.lora().useRslora());
    extra.put("target_modules", adapter.modules().stream().map(m -> m.target().name()).toList());
    extra.put("trainable_parameters", adapter.parameterCount());
    extra.put("max_seq_len", request.maxSeqLen());
    extra.put("packing", request.packing());
    extra.put("train_on_inputs", request.trainOnInputs());
    extra.put("train_examples", encoded.examples().size());
    extra.put("truncated_examples", encoded.truncated());
    extra.put("dropped_examples", encoded.dropped().size());
    extra.put("skipped_lines", train.badLines().size() + encoded.skipped().size());
    if (graphs.quantized()) {
      var bytes = QuantizedGraphs.residentBytes(graphs.trainingGraph().graph());
      extra.put("base_weight_bytes_per_quantised_parameter", bytes.bytesPerParameter());
    }
    return new RunLineage(
        ModelHashes.sha256(model), train.sha256(), eval == null ? null : eval.sha256(), extra);
  }
}
