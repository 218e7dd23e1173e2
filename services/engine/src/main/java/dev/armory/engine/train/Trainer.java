package dev.armory.engine.train;

import dev.armory.engine.ArmoryVersion;
import dev.armory.engine.train.CheckpointState.CurvePoint;
import dev.armory.engine.train.ProgressListener.EvalProgress;
import dev.armory.engine.train.ProgressListener.StepProgress;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training loop: learning rate, micro-steps with summed gradients, clipping, AdamW, then log,
 * evaluate and checkpoint. Model-agnostic: the model is a {@link StepFunction} over the caller's
 * {@link Parameters}. Build one with {@link TrainerBuilder}, then {@link #run()} a fresh run or
 * {@link #resume()} the latest checkpoint of the run directory.
 */
public final class Trainer<B extends Batch> {
  private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
  private final TrainingConfig config;
  private final Parameters params;
  private final StepFunction<B> model;
  private final BatchSource<?, B> train;
  private final BatchSource<?, B> eval; // null: no eval set
  private final RunDirectory dir;
  private final RunLineage lineage;
  private final AdapterWriter adapterWriter; // null: the caller writes no adapter
  private final ProgressListener listener;
  private final GradientAccumulator grads;
  private final AdamW optimizer;
  private final int totalSteps;
  private final LrSchedule schedule;
  private volatile boolean stopRequested;
  private boolean plotBroken;

  // Run state: everything here goes into each checkpoint's state.json.
  private SplitMix64 random;
  private int step;
  private double lastLoss = Double.NaN;
  private double lastEvalLoss = Double.NaN;
  private double bestEvalLoss = Double.NaN;
  private int bestStep;
  private int evalsWithoutImprovement;
  private double trainLossSinceEval;
  private int stepsSinceEval;
  private long tokensSeen;
  private double elapsedBefore; // seconds spent in earlier sessions of this run
  private final List<CurvePoint> trainCurve = new ArrayList<>();
  private final List<CurvePoint> evalCurve = new ArrayList<>();
  private final Map<String, List<CurvePoint>> metricCurves = new LinkedHashMap<>();

  // Session state.
  private Path lastCheckpoint;
  private Path bestCheckpoint;
  private int lastSavedStep = -1;
  private long sessionStart;
  private MetricsLog metrics;

  Trainer(TrainerBuilder<B> b) {
    this.config = b.config;
    this.params = b.params;
    this.model = b.model;
    this.train = b.train;
    this.eval = b.eval;
    this.dir = new RunDirectory(b.runDirectory);
    this.lineage = b.lineage;
    this.adapterWriter = b.adapterWriter;
    this.listener = new Listeners(b.listeners);
    this.grads = new GradientAccumulator(params);
    this.optimizer = AdamW.from(params, config);
    this.totalSteps = plannedSteps(config, train.batchesPerEpoch());
    this.schedule = LrSchedule.of(config, totalSteps);
    this.random = new SplitMix64(SplitMix64.mix(config.seed(), 0x5EED));
  }

  /** Starts a builder. */
  public static <B extends Batch> TrainerBuilder<B> builder() {
    return new TrainerBuilder<>();
  }

  /** Optimizer steps of a run: max_steps, else epochs × micro-batches ÷ accumulation (≥ 1). */
  public static int plannedSteps(TrainingConfig c, int batchesPerEpoch) {
    if (c.maxSteps() > 0) {
      return c.maxSteps();
    }
    long steps = (long) c.epochs() * batchesPerEpoch / c.gradientAccumulationSteps();
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, steps));
  }

  /** Asks the loop to stop after the current step; it writes a checkpoint first. Thread-safe. */
  public void requestStop() {
    stopRequested = true;
  }

  public int totalSteps() {
    return totalSteps;
  }

  /** A fresh run; refuses a run directory that already holds checkpoints. */
  public TrainingResult run() throws IOException {
    Files.createDirectories(dir.checkpoints());
    Checkpoint.removeLeftovers(dir.checkpoints());
    Optional<Path> existing = Checkpoint.latest(dir.checkpoints());
    if (existing.isPresent()) {
      throw new IllegalStateException(
          dir.root()
              + " already holds checkpoints (latest "
              + existing.get().getFileName()
              + "); resume the run (--resume) or choose a new output directory");
    }
    metrics = MetricsLog.create(dir.metrics());
    return go(0);
  }

  /** Continues from the latest checkpoint of the run directory. */
  public TrainingResult resume() throws IOException {
    Checkpoint.removeLeftovers(dir.checkpoints());
    Path latest =
        Checkpoint.latest(dir.checkpoints())
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "no checkpoint under "
                            + dir.checkpoints()
                            + " to resume from; start the run without --resume"));
    return resume(latest);
  }

  /** Continues from the checkpoint in {@code checkpointDir}. */
  public TrainingResult resume(Path checkpointDir) throws IOException {
    Checkpoint cp = Checkpoint.read(checkpointDir);
    CheckpointState s = cp.state();
    checkResumable(s.config(), checkpointDir);
    cp.loadInto(params, optimizer);
    step = s.step();
    random = new SplitMix64(s.randomState());
    train.seek(s.dataCursor());
    lastLoss = s.lastLoss();
    lastEvalLoss = s.lastEvalLoss();
    bestEvalLoss = s.bestEvalLoss();
    bestStep = s.bestStep();
    evalsWithoutImprovement = s.evalsWithoutImprovement();
    trainLossSinceEval = s.trainLossSinceEval();
    stepsSinceEval = s.stepsSinceEval();
    tokensSeen = s.tokensSeen();
    elapsedBefore = s.elapsedSeconds();
    trainCurve.addAll(s.trainCurve());
    evalCurve.addAll(s.evalCurve());
    s.metricCurves().forEach((k, v) -> metricCurves.put(k, new ArrayList<>(v)));
    lastCheckpoint = checkpointDir;
    lastSavedStep = step;
    Path best = dir.checkpoints().resolve(Checkpoint.directoryName(bestStep));
    bestCheckpoint = bestStep > 0 && Files.isDirectory(best) ? best : null;
    metrics = MetricsLog.resume(dir.metrics(), step);
    return go(step);
  }

  // Settings that change which batches a step sees cannot change across a resume.
  private void checkResumable(TrainingConfig saved, Path from) {
    Map<String, Object> before =
        Map.of(
            "seed", saved.seed(),
            "micro_batch_size", saved.microBatchSize(),
            "gradient_accumulation_steps", saved.gradientAccumulationSteps());
    Map<String, Object> now =
        Map.of(
            "seed", config.seed(),
            "micro_batch_size", config.microBatchSize(),
            "gradient_accumulation_steps", config.gradientAccumulationSteps());
    for (String key : new TreeSet<>(before.keySet())) {
      if (!before.get(key).equals(now.get(key))) {
        throw new InvalidConfigException(
            from
                + " was trained with "
                + key
                + " "
                + before.get(key)
                + " but the config now says "
                + now.get(key)
                + "; a resumed run must keep it (or start a new run)");
      }
    }
  }

  private TrainingResult go(int startStep) throws IOException {
    RunManifest manifest =
        RunManifest.start(dir.manifest(), lineage, config, params, totalSteps, startStep);
    listener.started(plan(startStep));
    sessionStart = System.nanoTime();
    try {
      TrainingResult.Stop stop = loop();
      TrainingResult result = finish(stop);
      manifest.finish(stop.name().toLowerCase(java.util.Locale.ROOT), result, null);
      listener.finished(result);
      return result;
    } catch (RuntimeException | IOException e) {
      manifest.finish("failed", result(null), e.getMessage());
      listener.failed(step, e);
      throw e;
    } finally {
      metrics.close();
    }
  }

  private TrainingResult.Stop loop() throws IOException {
    int accumulation = config.gradientAccumulationSteps();
    int sessionSteps = 0;
    while (step < totalSteps) {
      long t0 = System.nanoTime();
      // 1) learning rate of this step
      double lr = schedule.lr(step);
      // 2) micro-steps: gradients summed, each scaled by 1/accumulation
      grads.zero();
      double loss = 0;
      long tokens = 0;
      Map<String, Double> extra = new LinkedHashMap<>();
      for (int micro = 0; micro < accumulation; micro++) {
        B batch = train.next();
        StepOutput out = model.forwardBackward(batch, params, random);
        if (!Double.isFinite(out.loss())) {
          throw diverged("the training loss is " + out.loss(), micro);
        }
        grads.add(out.gradients(), 1.0f / accumulation);
        loss += out.loss() / accumulation;
        out.metrics().forEach((k, v) -> extra.merge(k, v / accumulation, Double::sum));
        tokens += batch.tokens();
      }
      // 3) clip by global norm (the norm before clipping is logged)
      double norm = GradientClipping.clip(grads.gradients(), config.maxGradNorm());
      if (!Double.isFinite(norm)) {
        throw diverged(
            "the gradient norm is " + norm + " (first in '" + firstNonFinite() + "')",
            accumulation - 1);
      }
      // 4) AdamW update, in place
      optimizer.step(params, grads.gradients(), lr);
      step++;
      sessionSteps++;
      // 5) log, evaluate, checkpoint
      double millis = (System.nanoTime() - t0) / 1e6;
      recordStep(loss, norm, lr, millis, tokens, sessionSteps, extra);
      TrainingResult.Stop stop = evaluateAndSave();
      if (stop != null) {
        return stop;
      }
    }
    return TrainingResult.Stop.COMPLETED;
  }

  /** Evaluates and checkpoints when due; returns why to stop now, or null to go on. */
  private TrainingResult.Stop evaluateAndSave() throws IOException {
    boolean last = step == totalSteps;
    boolean stopAsked = stopRequested; // read once: the flag may flip while we work
    boolean evaluated = false;
    boolean improved = false;
    if (eval != null
        && ((config.evalEverySteps() > 0 && step % config.evalEverySteps() == 0) || last)) {
      improved = evaluate();
      evaluated = true;
    }
    boolean earlyStop =
        evaluated
            && config.earlyStoppingPatience() > 0
            && evalsWithoutImprovement >= config.earlyStoppingPatience();
    boolean keepAsBest = improved && config.keepBestByEvalLoss();
    boolean due = config.saveEverySteps() > 0 && step % config.saveEverySteps() == 0;
    if (due || last || earlyStop || stopAsked || keepAsBest) {
      save(keepAsBest);
    }
    if (step % config.plotEverySteps() == 0 || evaluated || last || earlyStop || stopAsked) {
      plot();
    }
    if (earlyStop) {
      return TrainingResult.Stop.EARLY_STOPPED;
    }
    return stopAsked ? TrainingResult.Stop.STOP_REQUESTED : null;
  }

  private void recordStep(
      double loss,
      double norm,
      double lr,
      double millis,
      long tokens,
      int sessionSteps,
      Map<String, Double> extra)
      throws IOException {
    lastLoss = loss;
    tokensSeen += tokens;
    trainLossSinceEval += loss;
    stepsSinceEval++;
    trainCurve.add(new CurvePoint(step, loss));
    extra.forEach(
        (k, v) ->
            metricCurves.computeIfAbsent(k, x -> new ArrayList<>()).add(new CurvePoint(step, v)));
    double tokensPerSecond = tokens / (millis / 1000.0);
    int epoch = train.cursor().epoch();
    if (step % config.logEverySteps() == 0 || step == totalSteps) {
      metrics.train(
          step, totalSteps, epoch, loss, norm, lr, millis, tokensPerSecond, tokensSeen, extra);
    }
    double perStep = (System.nanoTime() - sessionStart) / 1e9 / sessionSteps;
    Duration eta = Duration.ofMillis((long) (perStep * (totalSteps - step) * 1000));
    listener.stepped(
        new StepProgress(
            step, totalSteps, epoch, loss, norm, lr, millis, tokensPerSecond, eta, extra));
  }

  /** Runs the eval set; returns whether the eval loss improved on the best. */
  private boolean evaluate() throws IOException {
    int batches = evalBatches();
    double lossSum = 0;
    long tokens = 0;
    Map<String, Double> extraSums = new LinkedHashMap<>();
    for (int i = 0; i < batches; i++) {
      EvalOutput out = model.evaluate(eval.batch(0, i), params);
      lossSum += out.loss() * out.lossTokens();
      tokens += out.lossTokens();
      out.metrics().forEach((k, v) -> extraSums.merge(k, v * out.lossTokens(), Double::sum));
    }
    double evalLoss = lossSum / tokens;
    long counted = tokens;
    Map<String, Double> extra = new LinkedHashMap<>();
    extraSums.forEach((k, v) -> extra.put(k, v / counted));
    if (!Double.isFinite(evalLoss)) {
      throw new TrainingDivergedException(
          step,
          "step "
              + step
              + "/"
              + totalSteps
              + ": the eval loss is "
              + evalLoss
              + " over "
              + tokens
              + " tokens. "
              + lastGood());
    }
    double trainLoss = trainLossSinceEval / stepsSinceEval;
    boolean improved = Double.isNaN(bestEvalLoss) || evalLoss < bestEvalLoss;
    if (improved) {
      bestEvalLoss = evalLoss;
      bestStep = step;
      evalsWithoutImprovement = 0;
    } else {
      evalsWithoutImprovement++;
    }
    lastEvalLoss = evalLoss;
    trainLossSinceEval = 0;
    stepsSinceEval = 0;
    evalCurve.add(new CurvePoint(step, evalLoss));
    metrics.eval(step, evalLoss, trainLoss, bestEvalLoss, bestStep, tokens, extra);
    listener.evaluated(
        new EvalProgress(
            step, totalSteps, evalLoss, trainLoss, bestEvalLoss, bestStep, improved, extra));
    return improved;
  }

  private int evalBatches() {
    if (eval == null) {
      return 0;
    }
    int n = eval.batchesPerEpoch();
    return config.maxEvalBatches() > 0 ? Math.min(n, config.maxEvalBatches()) : n;
  }

  private void save(boolean best) throws IOException {
    CheckpointState state =
        new CheckpointState(
            step,
            totalSteps,
            optimizer.stepCount(),
            schedule,
            random.state(),
            train.cursor(),
            config,
            lastLoss,
            lastEvalLoss,
            bestEvalLoss,
            bestStep,
            evalsWithoutImprovement,
            trainLossSinceEval,
            stepsSinceEval,
            tokensSeen,
            elapsedSeconds(),
            trainCurve,
            evalCurve,
            ArmoryVersion.VERSION,
            metricCurves);
    lastCheckpoint = Checkpoint.write(dir.checkpoints(), state, params, optimizer, adapterWriter);
    lastSavedStep = step;
    if (best) {
      bestCheckpoint = lastCheckpoint;
    }
    int keep = config.keepBestByEvalLoss() && bestCheckpoint != null ? bestStep : -1;
    Checkpoint.prune(dir.checkpoints(), config.keepLastCheckpoints(), keep);
    listener.checkpointSaved(step, lastCheckpoint, best);
  }

  private void plot() throws IOException {
    if (plotBroken) {
      return;
    }
    try {
      LossCurve.write(
          dir.lossCurve(),
          "loss, step " + step + "/" + totalSteps + " (" + dir.root().getFileName() + ")",
          trainCurve,
          evalCurve,
          metricCurves);
    } catch (RuntimeException | LinkageError | java.awt.AWTError e) {
      // A JRE without fonts or AWT libraries cannot draw; the curve is not worth a failed run.
      plotBroken = true;
      LOG.warn(
          "{} cannot be drawn ({}); training goes on without it, metrics.jsonl has the numbers",
          dir.lossCurve(),
          e.toString());
    }
  }

  private TrainingResult finish(TrainingResult.Stop stop) throws IOException {
    Path adapter = null;
    if (adapterWriter != null && stop != TrainingResult.Stop.STOP_REQUESTED) {
      adapter = dir.adapter();
      Path tmp = Files.createTempDirectory(dir.root(), ".tmp-adapter-");
      try {
        adapterWriter.write(tmp, params);
        AtomicFiles.fsyncTree(tmp);
        AtomicFiles.deleteTree(adapter);
        AtomicFiles.move(tmp, adapter);
      } finally {
        AtomicFiles.deleteTree(tmp);
      }
    }
    plot();
    return new TrainingResult(
        stop,
        step,
        totalSteps,
        lastLoss,
        lastEvalLoss,
        bestEvalLoss,
        bestStep,
        bestCheckpoint,
        lastCheckpoint,
        adapter,
        tokensSeen,
        elapsedSeconds());
  }

  private TrainingResult result(TrainingResult.Stop stop) {
    return new TrainingResult(
        stop,
        step,
        totalSteps,
        lastLoss,
        lastEvalLoss,
        bestEvalLoss,
        bestStep,
        bestCheckpoint,
        lastCheckpoint,
        null,
        tokensSeen,
        elapsedSeconds());
  }

  private double elapsedSeconds() {
    return elapsedBefore + (System.nanoTime() - sessionStart) / 1e9;
  }

  private TrainingDivergedException diverged(String what, int micro) {
    DataCursor c = train.cursor();
    return new TrainingDivergedException(
        step + 1,
        "step "
            + (step + 1)
            + "/"
            + totalSteps
            + ": "
            + what
            + " (micro-batch "
            + (micro + 1)
            + " of "
            + config.gradientAccumulationSteps()
            + ", epoch "
            + c.epoch()
            + " batch "
            + (c.index() - 1)
            + "). The update was not applied. "
            + lastGood()
            + " Lower learning_rate (now "
            + config.learningRate()
            + "), keep max_grad_norm on, or check the data of that batch.");
  }

  private String lastGood() {
    return lastCheckpoint == null
        ? "No checkpoint was written yet."
        : "The last good checkpoint is " + lastCheckpoint + "; resume from it with --resume.";
  }

  private String firstNonFinite() {
    for (Parameter g : grads.gradients().all()) {
      FloatBuffer b = g.data();
      for (int i = 0; i < g.size(); i++) {
        if (!Float.isFinite(b.get(i))) {
          return g.name();
        }
      }
    }
    return "?";
  }

  private TrainingPlan plan(int startStep) {
    return new TrainingPlan(
        config,
        totalSteps,
        startStep,
        train.exampleCount(),
        train.batchesPerEpoch(),
        eval == null ? 0 : eval.exampleCount(),
        evalBatches(),
        params.count(),
        params.elementCount(),
        schedule,
        dir.root());
  }

  /** Fans progress out to every listener; a failing listener fails the run loudly. */
  private record Listeners(List<ProgressListener> all) implements ProgressListener {
    @Override
    public void started(TrainingPlan plan) {
      all.forEach(l -> l.started(plan));
    }

    @Override
    public void stepped(StepProgress p) {
      all.forEach(l -> l.stepped(p));
    }

    @Override
    public void evaluated(EvalProgress p) {
      all.forEach(l -> l.evaluated(p));
    }

    @Override
    public void checkpointSaved(int step, Path directory, boolean best) {
      all.forEach(l -> l.checkpointSaved(step, directory, best));
    }

    @Override
    public void finished(TrainingResult result) {
      all.forEach(l -> l.finished(result));
    }

    @Override
    public void failed(int step, Exception error) {
      all.forEach(l -> l.failed(step, error));
    }
  }
}
