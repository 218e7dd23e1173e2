package dev.armory.cli;

import dev.armory.engine.finetune.DpoStats;
import dev.armory.engine.train.ProgressListener;
import dev.armory.engine.train.TrainingPlan;
import dev.armory.engine.train.TrainingResult;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Renders training progress as a terminal progress bar: step/total, loss (and DPO's reward accuracy
 * and margin), tokens/s and ETA.
 */
final class TrainProgressBar implements ProgressListener {
  private final PrintStream out;
  private ProgressBar bar;
  private String lastEval = "";

  TrainProgressBar(PrintStream out) {
    this.out = out;
  }

  @Override
  public void started(TrainingPlan plan) {
    bar =
        new ProgressBarBuilder()
            .setTaskName("train")
            .setInitialMax(plan.totalSteps())
            .setStyle(ProgressBarStyle.ASCII)
            .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(out))
            .setUpdateIntervalMillis(250)
            .showSpeed()
            .setUnit(" steps", 1)
            .build();
    bar.stepTo(plan.startStep());
  }

  @Override
  public void stepped(StepProgress p) {
    if (bar == null) {
      return;
    }
    bar.stepTo(p.step());
    bar.setExtraMessage(
        String.format(
            " | loss %.4f%s | lr %.2e | %.0f tok/s%s",
            p.loss(), rewards(p.metrics()), p.lr(), p.tokensPerSecond(), lastEval));
  }

  @Override
  public void evaluated(EvalProgress p) {
    lastEval = String.format(" | eval %.4f%s", p.evalLoss(), rewards(p.metrics()));
  }

  /** DPO's reward accuracy and margin, when the objective reports them. */
  private static String rewards(Map<String, Double> m) {
    Double accuracy = m.get(DpoStats.REWARDS_ACCURACY);
    Double margin = m.get(DpoStats.REWARDS_MARGIN);
    return accuracy == null || margin == null
        ? ""
        : String.format(" | acc %.2f | margin %.3f", accuracy, margin);
  }

  @Override
  public void checkpointSaved(int step, Path directory, boolean best) {}

  @Override
  public void finished(TrainingResult result) {
    close();
  }

  @Override
  public void failed(int step, Exception error) {
    close();
  }

  private void close() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }
}
