package dev.armory.cli;

import dev.armory.events.v1.TrainingProgress;
import dev.armory.events.v1.TrainingStarted;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows a run's progress from its TrainingStarted and TrainingProgress events: a terminal progress
 * bar with loss, learning rate, tokens/s and eval loss, or (without a bar) one line per event.
 */
final class EventProgressBar implements AutoCloseable {
  private final PrintStream barOut;
  private final PrintWriter lines;
  private ProgressBar bar;
  private String lastEval = "";

  /** A bar on {@code barOut}, or lines on {@code lines} when {@code barOut} is null. */
  EventProgressBar(PrintStream barOut, PrintWriter lines) {
    this.barOut = barOut;
    this.lines = lines;
  }

  void started(TrainingStarted s) {
    if (barOut == null) {
      lines.printf(
          Locale.ROOT,
          "   started on %s: %d steps%s%n",
          s.getWorker(),
          s.getTotalSteps(),
          s.getResumedFromStep() > 0 ? " (resumed from step " + s.getResumedFromStep() + ")" : "");
      lines.flush();
      return;
    }
    close();
    bar =
        new ProgressBarBuilder()
            .setTaskName("train")
            .setInitialMax(s.getTotalSteps())
            .setStyle(ProgressBarStyle.ASCII)
            .setConsumer(new ConsoleProgressBarConsumer(barOut))
            .setUpdateIntervalMillis(200)
            .showSpeed()
            .setUnit(" steps", 1)
            .build();
    bar.stepTo(s.getResumedFromStep());
  }

  void progressed(TrainingProgress p) {
    if (p.hasEvalLoss()) {
      lastEval = String.format(Locale.ROOT, " | eval %.4f", p.getEvalLoss());
    }
    String message =
        String.format(
            Locale.ROOT,
            " | loss %.4f | lr %.2e | %.0f tok/s%s",
            p.getLoss(),
            p.getLearningRate(),
            p.getTokensPerSecond(),
            lastEval);
    if (bar == null) {
      if (barOut == null) {
        lines.printf(Locale.ROOT, "   step %d/%d%s%n", p.getStep(), p.getTotalSteps(), message);
        lines.flush();
      }
      return;
    }
    bar.stepTo(p.getStep());
    bar.setExtraMessage(message);
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }
}
