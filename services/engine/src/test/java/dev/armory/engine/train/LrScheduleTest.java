package dev.armory.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.armory.engine.train.TrainingConfig.Decay;
import org.junit.jupiter.api.Test;

class LrScheduleTest {
  static final double PEAK = 1e-3;

  @Test
  void warmupRisesLinearlyToThePeak() {
    LrSchedule s = new LrSchedule(PEAK, 10, 100, Decay.COSINE, 0.1);
    assertEquals(1e-4, s.lr(0), 1e-12);
    assertEquals(5e-4, s.lr(4), 1e-12);
    assertEquals(PEAK, s.lr(9), 1e-12);
    assertEquals(PEAK, s.lr(10), 1e-12);
  }

  @Test
  void cosineHalvesAtTheMiddleAndReachesTheFloorAtTheEnd() {
    LrSchedule s = new LrSchedule(PEAK, 10, 100, Decay.COSINE, 0.1);
    assertEquals(1e-4 + 0.5 * 9e-4, s.lr(55), 1e-12);
    LrSchedule noWarmup = new LrSchedule(PEAK, 0, 100, Decay.COSINE, 0.1);
    assertEquals(1e-4 + 9e-4 * 0.5 * (1 + Math.cos(Math.PI * 0.25)), noWarmup.lr(25), 1e-12);
    assertEquals(1e-4, s.lr(100), 1e-12);
    assertEquals(1e-4, s.lr(150), 1e-12);
  }

  @Test
  void linearAndConstant() {
    LrSchedule lin = new LrSchedule(PEAK, 0, 100, Decay.LINEAR, 0.0);
    assertEquals(PEAK, lin.lr(0), 1e-12);
    assertEquals(PEAK * 0.75, lin.lr(25), 1e-12);
    assertEquals(0.0, lin.lr(100), 1e-12);
    LrSchedule constant = new LrSchedule(PEAK, 5, 100, Decay.CONSTANT, 0.1);
    assertEquals(PEAK / 5, constant.lr(0), 1e-12);
    assertEquals(PEAK, constant.lr(99), 1e-12);
  }

  @Test
  void allWarmupNeverDividesByZero() {
    LrSchedule s = new LrSchedule(PEAK, 4, 4, Decay.COSINE, 0.1);
    assertEquals(PEAK, s.lr(3), 1e-12);
    assertEquals(1e-4, s.lr(4), 1e-12);
  }

  @Test
  void builtFromConfigUsesTheWarmupRatio() {
    TrainingConfig c = TrainingConfig.builder().learningRate(PEAK).warmupRatio(0.1).build();
    LrSchedule s = LrSchedule.of(c, 50);
    assertEquals(5, s.warmupSteps());
    assertEquals(PEAK, s.lr(4), 1e-12);
  }
}
