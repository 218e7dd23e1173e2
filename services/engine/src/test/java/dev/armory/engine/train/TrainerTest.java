package dev.armory.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.armory.engine.ArmoryVersion;
import dev.armory.engine.train.SoftmaxRegression.ToyBatch;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
  static final ObjectMapper JSON = new ObjectMapper();

  /** 24 steps over 3 epochs of 8 micro-batches of 8, accumulating 2; eval every 6. */
  static TrainingConfig toyConfig() {
    return TrainingConfig.builder()
        .learningRate(0.05)
        .warmupSteps(3)
        .maxSteps(24)
        .microBatchSize(8)
        .gradientAccumulationSteps(2)
        .evalEverySteps(6)
        .saveEverySteps(8)
        .logEverySteps(4)
        .seed(1234)
        .build();
  }

  @Test
  void trainingLowersTheToyLossAndFillsTheRunDirectory(@TempDir Path dir) throws Exception {
    TrainingResult r;
    try (ToyRun run = new ToyRun(dir, toyConfig())) {
      r = run.run();
      System.out.print(run.console());
      assertEquals(TrainingResult.Stop.COMPLETED, r.stop());
      assertEquals(24, r.steps());
      double first = run.losses.get(0);
      double last = run.losses.get(run.losses.size() - 1);
      assertTrue(last < 0.5 * first, "loss fell from " + first + " to " + last);
      List<Double> evals = run.evalLosses;
      assertTrue(evals.get(evals.size() - 1) < 0.6 * evals.get(0), "eval loss fell: " + evals);
      assertEquals(evals.get(evals.size() - 1), r.lastEvalLoss());
      assertEquals(dir.resolve("adapter"), r.adapterDirectory());
      assertEquals(
          Arrays.toString(run.params.get("W").toArray()),
          Files.readString(dir.resolve("adapter/weights.txt")),
          "the adapter writer saw the final weights");
    }
    // checkpoints: saved at 6*, 8, 12*, 16, 18*, 24* (* best); keep the last 2 plus the best
    assertEquals(
        List.of("step-000018", "step-000024"),
        Checkpoint.list(dir.resolve("checkpoints")).stream()
            .map(p -> p.getFileName().toString())
            .toList());
    assertEquals(dir.resolve("checkpoints/step-000024"), r.bestCheckpoint());
    assertTrue(Files.isRegularFile(dir.resolve("checkpoints/step-000024/adapter/weights.txt")));
  }

  @Test
  void metricsLinesParseWithTheirFields(@TempDir Path dir) throws Exception {
    try (ToyRun run = new ToyRun(dir, toyConfig())) {
      run.run();
    }
    List<JsonNode> train = new ArrayList<>();
    List<JsonNode> eval = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("metrics.jsonl"))) {
      JsonNode n = JSON.readTree(line);
      (n.get("type").asText().equals("train") ? train : eval).add(n);
    }
    assertEquals(
        List.of(4, 8, 12, 16, 20, 24), train.stream().map(n -> n.get("step").asInt()).toList());
    assertEquals(List.of(6, 12, 18, 24), eval.stream().map(n -> n.get("step").asInt()).toList());
    for (JsonNode n : train) {
      for (String f : List.of("loss", "lr", "grad_norm", "tokens_per_s", "ms", "epoch")) {
        assertTrue(n.get(f).isNumber(), f + " in " + n);
      }
      assertTrue(n.get("loss").asDouble() > 0);
    }
    JsonNode e = eval.get(3);
    assertEquals(Math.exp(e.get("eval_loss").asDouble()), e.get("eval_ppl").asDouble(), 1e-9);
    assertEquals(
        e.get("eval_loss").asDouble() - e.get("train_loss").asDouble(),
        e.get("train_eval_gap").asDouble(),
        1e-12);
  }

  @Test
  void lossCurveIsAValidPngAndTheManifestRecordsTheRun(@TempDir Path dir) throws Exception {
    try (ToyRun run = new ToyRun(dir, toyConfig())) {
      run.run();
    }
    byte[] png = Files.readAllBytes(dir.resolve("loss.png"));
    assertArrayEquals(
        new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, Arrays.copyOf(png, 8));
    BufferedImage image = ImageIO.read(dir.resolve("loss.png").toFile());
    assertEquals(900, image.getWidth());
    assertEquals(540, image.getHeight());

    JsonNode m = JSON.readTree(dir.resolve("manifest.json").toFile());
    assertEquals(ArmoryVersion.VERSION, m.get("armory_version").asText());
    assertEquals("completed", m.get("status").asText());
    assertEquals("sha256:base", m.get("base_model_hash").asText());
    assertEquals("sha256:data", m.get("dataset_hash").asText());
    assertEquals(0.05, m.get("config").get("learning_rate").asDouble());
    assertEquals(2, m.get("config").get("gradient_accumulation_steps").asInt());
    assertEquals("[8,4]", m.get("trainable_parameters").get("W").toString());
    assertEquals(36, m.get("trainable_parameter_count").asInt());
    assertFalse(m.get("started_at").isNull());
    assertFalse(m.get("finished_at").isNull());
    JsonNode f = m.get("final_metrics");
    assertEquals(24, f.get("step").asInt());
    for (String k : List.of("train_loss", "eval_loss", "eval_ppl", "best_eval_loss")) {
      assertTrue(f.get(k).isNumber(), k + " in " + f);
    }
    assertEquals("checkpoints/step-000024", m.get("best_checkpoint").asText());
    assertEquals("adapter", m.get("adapter").asText());
  }

  @Test
  void consolePrintsSettingsOnceThenFixedFormatLines(@TempDir Path dir) throws Exception {
    String out;
    try (ToyRun run = new ToyRun(dir, toyConfig())) {
      run.run();
      out = run.console();
    }
    List<String> lines = out.lines().toList();
    assertTrue(lines.get(0).startsWith("run: "), lines.get(0));
    assertEquals("steps: 24 (max_steps)", lines.get(2));
    assertEquals(
        1, lines.stream().filter(l -> l.startsWith("optimizer: AdamW lr 5.00e-02")).count());
    Pattern step =
        Pattern.compile(
            "step +\\d+/24 \\| loss \\d+\\.\\d{6} \\| norm \\d+\\.\\d{4} \\| lr \\d\\.\\d{2}e-\\d{2}"
                + " \\| \\d+\\.\\d ms \\| \\d+ tok/s");
    List<String> stepLines = lines.stream().filter(l -> l.startsWith("step ")).toList();
    assertEquals(6, stepLines.size(), out);
    stepLines.forEach(l -> assertTrue(step.matcher(l).matches(), l));
    Pattern eval =
        Pattern.compile(
            "eval +\\d+/24 \\| eval loss \\d+\\.\\d{6} \\| ppl \\d+\\.\\d{4} \\| train \\d+\\.\\d{6}"
                + " \\| gap [+-]\\d+\\.\\d{4} \\| best \\d+\\.\\d{6} @ \\d+( \\*)?");
    List<String> evalLines = lines.stream().filter(l -> l.startsWith("eval ")).toList();
    assertEquals(4, evalLines.size(), out);
    evalLines.forEach(l -> assertTrue(eval.matcher(l).matches(), l));
    assertTrue(lines.get(lines.size() - 1).startsWith("done: 24/24 steps (completed)"), out);
  }

  @Test
  void nanLossStopsTheRunNamingTheStepAndKeepsTheLastGoodCheckpoint(@TempDir Path dir)
      throws Exception {
    TrainingConfig c = toyConfig().toBuilder().saveEverySteps(4).evalEverySteps(0).build();
    // Calls 13 and 14 are the two micro-batches of step 7.
    try (ToyRun run =
        new ToyRun(dir, c, f -> new FaultyStep(f, 13, FaultyStep.Fault.NAN_LOSS), null)) {
      TrainingDivergedException e = assertThrows(TrainingDivergedException.class, run::run);
      System.out.println(e.getMessage());
      assertEquals(7, e.step());
      assertTrue(e.getMessage().startsWith("step 7/24: the training loss is NaN"), e.getMessage());
      assertTrue(e.getMessage().contains("micro-batch 1 of 2"), e.getMessage());
      assertTrue(e.getMessage().contains("step-000004"), e.getMessage());
      assertEquals(List.of(1, 2, 3, 4, 5, 6), run.steps, "no step 7 was recorded");
    }
    Path last = Checkpoint.latest(dir.resolve("checkpoints")).orElseThrow();
    assertEquals(4, Checkpoint.stepOf(last));
    Parameters restored = SoftmaxRegression.initialParameters(3);
    Checkpoint cp = Checkpoint.read(last);
    cp.loadInto(restored, AdamW.from(restored, c));
    assertEquals(4, cp.state().step());
    for (float v : restored.get("W").toArray()) {
      assertTrue(Float.isFinite(v));
    }
    JsonNode m = JSON.readTree(dir.resolve("manifest.json").toFile());
    assertEquals("failed", m.get("status").asText());
    assertTrue(m.get("error").asText().contains("NaN"));

    try (ToyRun resumed = new ToyRun(dir, c)) {
      TrainingResult r = resumed.trainer.resume();
      assertEquals(24, r.steps(), "the good checkpoint resumes to the end");
    }
  }

  @Test
  void nanGradientStopsTheRunNamingTheParameter(@TempDir Path dir) throws Exception {
    TrainingConfig c = toyConfig().toBuilder().saveEverySteps(4).build();
    // Call 6 is the second micro-batch of step 3, before any checkpoint.
    try (ToyRun run =
        new ToyRun(dir, c, f -> new FaultyStep(f, 6, FaultyStep.Fault.NAN_GRADIENT), null)) {
      float[] before = run.params.get("b").toArray();
      TrainingDivergedException e = assertThrows(TrainingDivergedException.class, run::run);
      assertEquals(3, e.step());
      assertTrue(
          e.getMessage().contains("the gradient norm is NaN (first in 'b')"), e.getMessage());
      assertTrue(e.getMessage().contains("No checkpoint was written yet"), e.getMessage());
      for (float v : run.params.get("b").toArray()) {
        assertTrue(Float.isFinite(v), "the bad update was not applied");
      }
      assertFalse(Arrays.equals(before, run.params.get("b").toArray()), "steps 1-2 did apply");
    }
    assertTrue(Checkpoint.list(dir.resolve("checkpoints")).isEmpty());
  }

  @Test
  void earlyStoppingStopsAfterPatienceEvalsWithoutImprovement(@TempDir Path dir) throws Exception {
    TrainingConfig c =
        toyConfig().toBuilder()
            .evalEverySteps(2)
            .earlyStoppingPatience(2)
            .saveEverySteps(0)
            .build();
    // An eval set that only gets worse: improvement only at the first evaluation (step 2).
    int[] evalCalls = {0};
    try (ToyRun run =
        new ToyRun(
            dir,
            c,
            f ->
                new StepFunction<ToyBatch>() {
                  @Override
                  public StepOutput forwardBackward(ToyBatch b, Parameters p, SplitMix64 r) {
                    return f.forwardBackward(b, p, r);
                  }

                  @Override
                  public EvalOutput evaluate(ToyBatch b, Parameters p) {
                    return new EvalOutput(1.0 + evalCalls[0]++, b.lossTokens());
                  }
                },
            null)) {
      TrainingResult r = run.run();
      assertEquals(TrainingResult.Stop.EARLY_STOPPED, r.stop());
      assertEquals(6, r.steps());
      assertEquals(2, r.bestStep());
      assertEquals(dir.resolve("checkpoints/step-000002"), r.bestCheckpoint());
    }
    assertEquals(
        List.of("step-000002", "step-000006"),
        Checkpoint.list(dir.resolve("checkpoints")).stream()
            .map(p -> p.getFileName().toString())
            .toList());
    JsonNode m = JSON.readTree(dir.resolve("manifest.json").toFile());
    assertEquals("early_stopped", m.get("status").asText());
  }
}
