package dev.armory.engine.train;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Assembles a {@link Trainer}. Required: config, parameters, step function, training data and run
 * directory. The training data is shuffled per epoch by the config's seed in micro-batches of its
 * micro_batch_size; the eval data keeps its order.
 */
public final class TrainerBuilder<B extends Batch> {
  TrainingConfig config;
  Parameters params;
  StepFunction<B> model;
  BatchSource<?, B> train;
  BatchSource<?, B> eval;
  Path runDirectory;
  RunLineage lineage = RunLineage.unknown();
  AdapterWriter adapterWriter;
  final List<ProgressListener> listeners = new ArrayList<>();
  private PrintStream console = System.out;
  private TrainData<?, B> trainData;
  private TrainData<?, B> evalData;

  private record TrainData<T, B extends Batch>(List<T> examples, Function<List<T>, B> collate) {}

  TrainerBuilder() {}

  public TrainerBuilder<B> config(TrainingConfig c) {
    config = c;
    return this;
  }

  /** The trainable tensors, updated in place. */
  public TrainerBuilder<B> parameters(Parameters p) {
    params = p;
    return this;
  }

  /** The model's forward/backward and eval passes. */
  public TrainerBuilder<B> stepFunction(StepFunction<B> f) {
    model = f;
    return this;
  }

  /** Training examples and how a list of them becomes a batch (tokenise, pad, pack). */
  public <T> TrainerBuilder<B> trainData(List<T> examples, Function<List<T>, B> collate) {
    trainData = new TrainData<>(examples, collate);
    return this;
  }

  /** Eval examples (optional); without them there is no eval loss, best checkpoint or stopping. */
  public <T> TrainerBuilder<B> evalData(List<T> examples, Function<List<T>, B> collate) {
    evalData = new TrainData<>(examples, collate);
    return this;
  }

  public TrainerBuilder<B> runDirectory(Path dir) {
    runDirectory = dir;
    return this;
  }

  /** Hashes and facts for the manifest. */
  public TrainerBuilder<B> lineage(RunLineage l) {
    lineage = l;
    return this;
  }

  /** Writes the adapter into {@code adapter/} at the end and into every checkpoint. */
  public TrainerBuilder<B> adapterWriter(AdapterWriter w) {
    adapterWriter = w;
    return this;
  }

  /** Adds a listener (progress bar, event publisher). */
  public TrainerBuilder<B> listener(ProgressListener l) {
    listeners.add(Objects.requireNonNull(l));
    return this;
  }

  /** Where the settings and step lines are printed (System.out by default); null for silence. */
  public TrainerBuilder<B> console(PrintStream out) {
    console = out;
    return this;
  }

  public Trainer<B> build() {
    require(config, "config");
    require(params, "parameters");
    require(model, "stepFunction");
    require(trainData, "trainData");
    require(runDirectory, "runDirectory");
    if (params.count() == 0) {
      throw new IllegalStateException("there are no trainable parameters; nothing to train");
    }
    train = shuffled(trainData);
    eval = evalData == null ? null : inOrder(evalData);
    if (console != null) {
      listeners.add(0, new ConsoleProgress(console));
    }
    return new Trainer<>(this);
  }

  private <T> BatchSource<T, B> shuffled(TrainData<T, B> d) {
    return BatchSource.shuffled(d.examples(), config.microBatchSize(), config.seed(), d.collate());
  }

  private <T> BatchSource<T, B> inOrder(TrainData<T, B> d) {
    return BatchSource.inOrder(d.examples(), config.microBatchSize(), d.collate());
  }

  private static void require(Object v, String what) {
    if (v == null) {
      throw new IllegalStateException("the trainer needs " + what + "(…) before build()");
    }
  }
}
