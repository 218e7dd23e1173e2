package dev.armory.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.engine.train.CheckpointState.CurvePoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
  static Parameters params() {
    Parameters p = new Parameters();
    p.add("layers.0.lora_A", new long[] {2, 3}, new float[] {1, -2, 3.5f, 1e-7f, -0f, 42});
    p.add("layers.0.lora_B", new long[] {3}, new float[] {0.25f, Float.MIN_VALUE, -1});
    return p;
  }

  static CheckpointState state(int step, TrainingConfig c) {
    return new CheckpointState(
        step,
        100,
        step,
        LrSchedule.of(c, 100),
        0x1234_5678_9ABC_DEF0L,
        new DataCursor(2, 5),
        c,
        0.123456789012345,
        Double.NaN,
        0.5,
        4,
        1,
        1.75,
        3,
        9876,
        12.5,
        List.of(new CurvePoint(1, 2.0), new CurvePoint(2, 1.5)),
        List.of(new CurvePoint(2, 1.9)),
        "test",
        Map.of("rewards/accuracy", List.of(new CurvePoint(1, 0.5), new CurvePoint(2, 0.75))));
  }

  @Test
  void stateWrittenBeforeMetricCurvesExistedStillReads(@TempDir Path dir) throws Exception {
    TrainingConfig c = TrainingConfig.builder().build();
    Parameters p = params();
    Path cp = Checkpoint.write(dir, state(3, c), p, AdamW.from(p, c), null);
    Path file = cp.resolve(Checkpoint.STATE_FILE);
    com.fasterxml.jackson.databind.node.ObjectNode json =
        (com.fasterxml.jackson.databind.node.ObjectNode) JsonCodec.JSON.readTree(file.toFile());
    assertTrue(json.has("metric_curves"), json.toString());
    json.remove("metric_curves");
    Files.write(file, JsonCodec.JSON.writeValueAsBytes(json));
    assertEquals(Map.of(), Checkpoint.read(cp).state().metricCurves());
  }

  @Test
  void roundTripRestoresTensorsOptimizerAndStateExactly(@TempDir Path dir) throws Exception {
    TrainingConfig c = TrainingConfig.builder().learningRate(0.01).seed(77).build();
    Parameters p = params();
    AdamW adam = AdamW.from(p, c);
    Parameters g = p.zerosLike();
    g.get("layers.0.lora_A").set(new float[] {0.1f, 0.2f, -0.3f, 0.4f, 0.5f, -0.6f});
    g.get("layers.0.lora_B").set(new float[] {1, 2, 3});
    adam.step(p, g, 0.01);
    adam.step(p, g, 0.02);

    Path cp =
        Checkpoint.write(
            dir, state(7, c), p, adam, (d, ps) -> Files.writeString(d.resolve("x"), "adapter"));
    assertEquals(dir.resolve("step-000007"), cp);
    assertTrue(Files.isRegularFile(cp.resolve(Checkpoint.TRAINABLE_FILE)));
    assertTrue(Files.isRegularFile(cp.resolve(Checkpoint.OPTIMIZER_FILE)));
    assertEquals("adapter", Files.readString(cp.resolve("adapter/x")));

    Parameters q = params().zerosLike();
    AdamW adam2 = AdamW.from(q, c);
    Checkpoint read = Checkpoint.read(cp);
    read.loadInto(q, adam2);
    for (String n : p.names()) {
      assertArrayEquals(p.get(n).toArray(), q.get(n).toArray(), n);
      assertArrayEquals(
          adam.firstMoments().get(n).toArray(), adam2.firstMoments().get(n).toArray(), n);
      assertArrayEquals(
          adam.secondMoments().get(n).toArray(), adam2.secondMoments().get(n).toArray(), n);
    }
    assertEquals(7, adam2.stepCount());
    CheckpointState s = read.state();
    CheckpointState expected = state(7, c);
    assertEquals(expected.config(), s.config());
    assertEquals(expected.schedule(), s.schedule());
    assertEquals(expected.randomState(), s.randomState());
    assertEquals(expected.dataCursor(), s.dataCursor());
    assertEquals(expected.lastLoss(), s.lastLoss(), 0.0);
    assertTrue(Double.isNaN(s.lastEvalLoss()));
    assertEquals(expected.trainCurve(), s.trainCurve());
    assertEquals(expected.evalCurve(), s.evalCurve());
    assertEquals(expected.metricCurves(), s.metricCurves());
    assertEquals(expected.trainLossSinceEval(), s.trainLossSinceEval(), 0.0);
  }

  @Test
  void rewritingAStepReplacesItAndLeftoversAreCleaned(@TempDir Path dir) throws Exception {
    TrainingConfig c = TrainingConfig.defaults();
    Parameters p = params();
    AdamW adam = AdamW.from(p, c);
    Checkpoint.write(dir, state(3, c), p, adam, null);
    p.get("layers.0.lora_B").set(new float[] {9, 9, 9});
    Checkpoint.write(dir, state(3, c), p, adam, null);
    Parameters q = params();
    Checkpoint.read(dir.resolve("step-000003")).loadInto(q, AdamW.from(q, c));
    assertArrayEquals(new float[] {9, 9, 9}, q.get("layers.0.lora_B").toArray());

    // A crash mid-write leaves a temp directory: it is not a checkpoint and gets removed.
    Files.createDirectories(dir.resolve(".tmp-step-000004-123/"));
    assertEquals(dir.resolve("step-000003"), Checkpoint.latest(dir).orElseThrow());
    Checkpoint.removeLeftovers(dir);
    assertFalse(Files.exists(dir.resolve(".tmp-step-000004-123")));
  }

  @Test
  void pruneKeepsTheLastAndTheBest(@TempDir Path dir) throws Exception {
    TrainingConfig c = TrainingConfig.defaults();
    Parameters p = params();
    AdamW adam = AdamW.from(p, c);
    for (int step : new int[] {2, 4, 6, 8, 10}) {
      Checkpoint.write(dir, state(step, c), p, adam, null);
    }
    Checkpoint.prune(dir, 2, 4);
    assertEquals(
        List.of("step-000004", "step-000008", "step-000010"),
        Checkpoint.list(dir).stream().map(x -> x.getFileName().toString()).toList());
  }

  @Test
  void mismatchedParametersAreNamed(@TempDir Path dir) throws Exception {
    TrainingConfig c = TrainingConfig.defaults();
    Parameters p = params();
    Path cp = Checkpoint.write(dir, state(1, c), p, AdamW.from(p, c), null);
    Parameters other = new Parameters();
    other.add("layers.0.lora_A", 3, 2);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Checkpoint.read(cp).loadInto(other, AdamW.from(other, c)));
    assertTrue(e.getMessage().contains("'layers.0.lora_A' is F32 [2, 3]"), e.getMessage());
    assertTrue(e.getMessage().contains("[3, 2]"), e.getMessage());
  }
}
