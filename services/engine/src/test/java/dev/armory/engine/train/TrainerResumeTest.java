package dev.armory.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.armory.engine.train.SoftmaxRegression.ToyBatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerResumeTest {
  /** 24 steps over 3 epochs, 2 micro-batches per step, checkpoints every 8, eval every 6. */
  static TrainingConfig config() {
    return TrainerTest.toyConfig().toBuilder().keepBestByEvalLoss(false).build();
  }

  record Reference(List<Double> losses, List<Double> evalLosses, float[] w, float[] b) {}

  static Reference uninterrupted(Path dir) throws Exception {
    try (ToyRun a = new ToyRun(dir, config())) {
      a.run();
      return new Reference(
          a.losses, a.evalLosses, a.params.get("W").toArray(), a.params.get("b").toArray());
    }
  }

  static void assertContinues(Reference ref, ToyRun resumed, int fromStep) {
    assertEquals(
        IntStream.rangeClosed(fromStep + 1, 24).boxed().toList(),
        resumed.steps,
        "the resumed run does steps " + (fromStep + 1) + "..24");
    int identical = 0;
    for (int i = 0; i < resumed.losses.size(); i++) {
      int step = resumed.steps.get(i);
      double expected = ref.losses().get(step - 1);
      double got = resumed.losses.get(i);
      assertEquals(expected, got, 1e-6, "loss of step " + step);
      identical += expected == got ? 1 : 0;
    }
    System.out.printf(
        "resume after step %d: %d/%d later losses bit-identical to the uninterrupted run%n",
        fromStep, identical, resumed.losses.size());
    List<Double> laterEvals = new ArrayList<>(); // the reference evaluates at steps 6, 12, 18, 24
    for (int i = 0; i < ref.evalLosses().size(); i++) {
      if (6 * (i + 1) > fromStep) {
        laterEvals.add(ref.evalLosses().get(i));
      }
    }
    assertEquals(laterEvals.size(), resumed.evalLosses.size());
    for (int i = 0; i < laterEvals.size(); i++) {
      assertEquals(laterEvals.get(i), resumed.evalLosses.get(i), 1e-6, "eval loss " + i);
    }
    assertArrayEquals(ref.w(), resumed.params.get("W").toArray(), 1e-6f);
    assertArrayEquals(ref.b(), resumed.params.get("b").toArray(), 1e-6f);
  }

  @Test
  void resumeAfterACrashRepeatsTheUninterruptedLosses(@TempDir Path dir) throws Exception {
    Reference ref = uninterrupted(dir.resolve("reference"));
    Path run = dir.resolve("run");
    // Call 29 is the first micro-batch of step 15: steps 9-14 (log and eval lines at 12) happened
    // after the last checkpoint (step 8) and are redone.
    try (ToyRun crashed =
        new ToyRun(run, config(), f -> new FaultyStep(f, 29, FaultyStep.Fault.CRASH), null)) {
      IllegalStateException e = assertThrows(IllegalStateException.class, crashed::run);
      assertTrue(e.getMessage().contains("simulated crash"), e.getMessage());
      assertEquals(ref.losses().subList(0, 14), crashed.losses);
    }
    assertEquals(8, Checkpoint.stepOf(Checkpoint.latest(run.resolve("checkpoints")).get()));
    try (ToyRun resumed = new ToyRun(run, config())) {
      TrainingResult r = resumed.trainer.resume();
      assertEquals(TrainingResult.Stop.COMPLETED, r.stop());
      assertTrue(resumed.console().contains("(resuming after step 8)"), resumed.console());
      assertContinues(ref, resumed, 8);
    }
    // metrics.jsonl holds each step once: the lines of the redone steps 9-14 were dropped.
    List<String> kinds = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
      JsonNode n = json.readTree(line);
      kinds.add(n.get("type").asText() + n.get("step").asInt());
    }
    assertEquals(
        List.of(
            "train4", "eval6", "train8", "train12", "eval12", "train16", "eval18", "train20",
            "train24", "eval24"),
        kinds);
    JsonNode manifest = json.readTree(run.resolve("manifest.json").toFile());
    assertEquals("completed", manifest.get("status").asText());
    assertEquals(8, manifest.get("resumed_from_step").asInt());
  }

  @Test
  void resumeAfterARequestedStopRepeatsTheUninterruptedLosses(@TempDir Path dir) throws Exception {
    Reference ref = uninterrupted(dir.resolve("reference"));
    Path run = dir.resolve("run");
    AtomicReference<Trainer<ToyBatch>> trainer = new AtomicReference<>();
    ProgressListener stopAt5 =
        new ProgressListener() {
          @Override
          public void stepped(StepProgress p) {
            if (p.step() == 5) {
              trainer.get().requestStop();
            }
          }
        };
    try (ToyRun stopped = new ToyRun(run, config(), f -> f, stopAt5)) {
      trainer.set(stopped.trainer);
      TrainingResult r = stopped.run();
      assertEquals(TrainingResult.Stop.STOP_REQUESTED, r.stop());
      assertEquals(5, r.steps());
      assertEquals(run.resolve("checkpoints/step-000005"), r.lastCheckpoint());
    }
    try (ToyRun resumed = new ToyRun(run, config())) {
      resumed.trainer.resume();
      assertContinues(ref, resumed, 5);
    }
  }

  @Test
  void freshRunRefusesADirectoryWithCheckpointsAndResumeKeepsTheDataSettings(@TempDir Path dir)
      throws Exception {
    TrainingConfig short4 = config().toBuilder().maxSteps(4).saveEverySteps(2).build();
    try (ToyRun first = new ToyRun(dir, short4)) {
      first.run();
    }
    try (ToyRun again = new ToyRun(dir, short4)) {
      IllegalStateException e = assertThrows(IllegalStateException.class, again::run);
      assertTrue(e.getMessage().contains("resume the run (--resume)"), e.getMessage());
    }
    try (ToyRun otherSeed = new ToyRun(dir, short4.toBuilder().seed(5).build())) {
      InvalidConfigException e =
          assertThrows(InvalidConfigException.class, () -> otherSeed.trainer.resume());
      assertTrue(e.getMessage().contains("was trained with seed 1234"), e.getMessage());
    }
  }
}
