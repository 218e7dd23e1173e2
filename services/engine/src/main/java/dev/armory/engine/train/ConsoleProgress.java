package dev.armory.engine.train;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The trainer's console output: the settings once, then one fixed-format line per logged step
 * ({@code step 12/90 | loss 1.234567 | norm 0.5432 | lr 9.87e-03 | 3.2 ms | 1234 tok/s}, then the
 * objective's own metrics such as {@code | rewards/accuracy 0.7500}), a line per evaluation and per
 * checkpoint, and a closing summary.
 */
public final class ConsoleProgress implements ProgressListener {
  private final PrintStream out;
  private int logEvery = 1;
  private int width = 1;
  private Path runDirectory;

  public ConsoleProgress(PrintStream out) {
    this.out = out;
  }

  @Override
  public void started(TrainingPlan p) {
    TrainingConfig c = p.config();
    logEvery = c.logEverySteps();
    width = Integer.toString(p.totalSteps()).length();
    runDirectory = p.runDirectory();
    out.println(
        "run: "
            + p.runDirectory()
            + (p.startStep() > 0 ? "  (resuming after step " + p.startStep() + ")" : ""));
    out.println(
        f(
            "data: %d examples, %d micro-batches of %d per epoch%s",
            p.trainExamples(),
            p.batchesPerEpoch(),
            c.microBatchSize(),
            p.evalBatches() > 0
                ? f("; eval %d examples in %d batches", p.evalExamples(), p.evalBatches())
                : "; no eval set"));
    out.println(
        c.maxSteps() > 0
            ? f("steps: %d (max_steps)", p.totalSteps())
            : f(
                "steps: %d = %d epochs x %d micro-batches / %d accumulation",
                p.totalSteps(), c.epochs(), p.batchesPerEpoch(), c.gradientAccumulationSteps()));
    out.println(
        f(
            "trainable: %d tensors, %d values (%s fp32, AdamW state %s)",
            p.trainableTensors(),
            p.trainableValues(),
            bytes(p.trainableValues() * 4),
            bytes(p.trainableValues() * 8)));
    out.println(
        f(
            "optimizer: AdamW lr %.2e beta1 %s beta2 %s eps %.1e weight_decay %s max_grad_norm %s",
            c.learningRate(),
            c.adamBeta1(),
            c.adamBeta2(),
            c.adamEpsilon(),
            c.weightDecay(),
            c.maxGradNorm() > 0 ? Double.toString(c.maxGradNorm()) : "off"));
    out.println(
        f(
            "schedule: warm-up %d steps, %s to %.2e; seed %d",
            p.schedule().warmupSteps(),
            c.decay().key(),
            c.decay() == TrainingConfig.Decay.CONSTANT
                ? c.learningRate()
                : c.learningRate() * c.minLrRatio(),
            c.seed()));
    out.println(
        f(
            "evaluation %s, checkpoints %s (keep %d%s), early stopping %s",
            c.evalEverySteps() > 0 ? "every " + c.evalEverySteps() + " steps" : "at the end",
            c.saveEverySteps() > 0 ? "every " + c.saveEverySteps() + " steps" : "at the end",
            c.keepLastCheckpoints(),
            c.keepBestByEvalLoss() ? " + best" : "",
            c.earlyStoppingPatience() > 0
                ? "after " + c.earlyStoppingPatience() + " evals without improvement"
                : "off"));
  }

  @Override
  public void stepped(StepProgress s) {
    if (s.step() % logEvery != 0 && s.step() != s.totalSteps()) {
      return;
    }
    out.println(
        f(
                "step %" + width + "d/%d | loss %.6f | norm %.4f | lr %.2e | %.1f ms | %.0f tok/s",
                s.step(),
                s.totalSteps(),
                s.loss(),
                s.gradNorm(),
                s.lr(),
                s.millis(),
                s.tokensPerSecond())
            + metrics(s.metrics()));
  }

  @Override
  public void evaluated(EvalProgress e) {
    out.println(
        f(
                "eval %"
                    + width
                    + "d/%d | eval loss %.6f%s | train %.6f | gap %+.4f | best %.6f"
                    + " @ %d%s",
                e.step(),
                e.totalSteps(),
                e.evalLoss(),
                // exp of a token loss; objectives with their own metrics (DPO) have no perplexity
                e.metrics().isEmpty() ? f(" | ppl %.4f", e.perplexity()) : "",
                e.trainLoss(),
                e.gap(),
                e.bestEvalLoss(),
                e.bestStep(),
                e.improved() ? " *" : "")
            + metrics(e.metrics()));
  }

  @Override
  public void checkpointSaved(int step, Path directory, boolean best) {
    Path shown = runDirectory == null ? directory : runDirectory.relativize(directory);
    out.println("saved " + shown + (best ? " (best eval loss)" : ""));
  }

  @Override
  public void finished(TrainingResult r) {
    out.println(
        f(
            "done: %d/%d steps (%s) | loss %.6f%s | %.1f s | %d tokens%s",
            r.steps(),
            r.totalSteps(),
            r.stop().name().toLowerCase(Locale.ROOT),
            r.lastLoss(),
            Double.isNaN(r.lastEvalLoss())
                ? ""
                : f(
                    " | eval loss %.6f (best %.6f @ %d)",
                    r.lastEvalLoss(), r.bestEvalLoss(), r.bestStep()),
            r.elapsedSeconds(),
            r.tokens(),
            r.adapterDirectory() == null ? "" : " | adapter " + r.adapterDirectory()));
  }

  /** " | name value" per objective-specific metric (DPO rewards), in the step function's order. */
  static String metrics(Map<String, Double> metrics) {
    StringBuilder out = new StringBuilder();
    metrics.forEach((k, v) -> out.append(f(" | %s %.4f", k, v)));
    return out.toString();
  }

  private static String bytes(long b) {
    if (b < 1024) {
      return b + " B";
    }
    if (b < 1024 * 1024) {
      return f("%.1f KiB", b / 1024.0);
    }
    return f("%.1f MiB", b / (1024.0 * 1024));
  }

  private static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
