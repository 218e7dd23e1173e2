package dev.armory.engine.train;

import dev.armory.engine.train.SoftmaxRegression.ToyBatch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * One toy training session in a run directory: fresh parameters and model, the shared datasets,
 * every step's loss and every eval loss recorded, console output captured.
 */
final class ToyRun implements AutoCloseable {
  static final List<SoftmaxRegression.Example> TRAIN = SoftmaxRegression.dataset(64, 11);
  static final List<SoftmaxRegression.Example> EVAL = SoftmaxRegression.dataset(32, 12);

  final Parameters params = SoftmaxRegression.initialParameters(3);
  final SoftmaxRegression model = new SoftmaxRegression(params);
  final List<Double> losses = new ArrayList<>(); // index = step - 1 of this session
  final List<Integer> steps = new ArrayList<>();
  final List<Double> evalLosses = new ArrayList<>();
  final ByteArrayOutputStream console = new ByteArrayOutputStream();
  final Trainer<ToyBatch> trainer;

  ToyRun(Path runDir, TrainingConfig config) {
    this(runDir, config, f -> f, null);
  }

  /** {@code wrap} may replace the step function (to inject NaN or a crash). */
  ToyRun(
      Path runDir,
      TrainingConfig config,
      UnaryOperator<StepFunction<ToyBatch>> wrap,
      ProgressListener extra) {
    TrainerBuilder<ToyBatch> b =
        Trainer.<ToyBatch>builder()
            .config(config)
            .parameters(params)
            .stepFunction(wrap.apply(model))
            .trainData(TRAIN, ToyBatch::of)
            .evalData(EVAL, ToyBatch::of)
            .runDirectory(runDir)
            .lineage(RunLineage.of("sha256:base", "sha256:data"))
            .adapterWriter(
                (dir, p) ->
                    java.nio.file.Files.writeString(
                        dir.resolve("weights.txt"),
                        java.util.Arrays.toString(p.get("W").toArray())))
            .console(new PrintStream(console, true, StandardCharsets.UTF_8))
            .listener(
                new ProgressListener() {
                  @Override
                  public void stepped(StepProgress p) {
                    steps.add(p.step());
                    losses.add(p.loss());
                  }

                  @Override
                  public void evaluated(EvalProgress p) {
                    evalLosses.add(p.evalLoss());
                  }
                });
    if (extra != null) {
      b.listener(extra);
    }
    trainer = b.build();
  }

  String console() {
    return console.toString(StandardCharsets.UTF_8);
  }

  TrainingResult run() throws IOException {
    return trainer.run();
  }

  @Override
  public void close() {
    model.close();
  }
}
