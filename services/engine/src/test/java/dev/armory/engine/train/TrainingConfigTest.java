package dev.armory.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingConfigTest {
  @Test
  void defaultsAreTheDocumentedOnes() {
    TrainingConfig c = TrainingConfig.defaults();
    assertEquals(0.9, c.adamBeta1());
    assertEquals(0.999, c.adamBeta2());
    assertEquals(1e-8, c.adamEpsilon());
    assertEquals(0.0, c.weightDecay());
    assertEquals(1.0, c.maxGradNorm());
    assertEquals(TrainingConfig.Decay.COSINE, c.decay());
    assertEquals(1, c.gradientAccumulationSteps());
    assertEquals(0, c.earlyStoppingPatience());
  }

  @Test
  void jsonRoundTripIsExactAndUsesSnakeCase() {
    TrainingConfig c =
        TrainingConfig.builder()
            .learningRate(3e-4)
            .decay(TrainingConfig.Decay.LINEAR)
            .seed(-7)
            .maxSteps(17)
            .build();
    String json = TrainingConfigJson.toJson(c);
    assertTrue(json.contains("\"learning_rate\" : 3.0E-4"), json);
    assertTrue(json.contains("\"decay\" : \"linear\""), json);
    assertEquals(c, TrainingConfigJson.parse(json, false, "test.json"));
  }

  @Test
  void yamlFileOverridesOnlyTheKeysItGives(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("run.yaml");
    Files.writeString(f, "learning_rate: 1.0e-3\ndecay: constant\nmax_steps: 50\n");
    TrainingConfig c = TrainingConfigJson.read(f);
    assertEquals(1e-3, c.learningRate());
    assertEquals(TrainingConfig.Decay.CONSTANT, c.decay());
    assertEquals(50, c.maxSteps());
    assertEquals(TrainingConfig.defaults().adamBeta2(), c.adamBeta2());
    assertEquals(TrainingConfig.defaults().seed(), c.seed());
  }

  @Test
  void unknownKeyIsNamedWithTheKnownOnes() {
    InvalidConfigException e =
        assertThrows(
            InvalidConfigException.class,
            () -> TrainingConfigJson.parse("lr: 0.1\n", true, "run.yaml"));
    assertTrue(e.getMessage().startsWith("run.yaml: unknown key 'lr'"), e.getMessage());
    assertTrue(e.getMessage().contains("learning_rate"), e.getMessage());
  }

  @Test
  void outOfRangeValueNamesTheFieldAndTheRange() {
    InvalidConfigException e =
        assertThrows(
            InvalidConfigException.class,
            () -> TrainingConfigJson.parse("{\"adam_beta2\": 1.0}", false, "run.json"));
    assertEquals("run.json: adam_beta2 must be in [0.0, 1.0), got 1.0", e.getMessage());
    InvalidConfigException acc =
        assertThrows(
            InvalidConfigException.class,
            () -> TrainingConfig.builder().gradientAccumulationSteps(0).build());
    assertEquals("gradient_accumulation_steps must be >= 1, got 0", acc.getMessage());
    InvalidConfigException lr =
        assertThrows(
            InvalidConfigException.class, () -> TrainingConfig.builder().learningRate(-1).build());
    assertTrue(lr.getMessage().startsWith("learning_rate must be a finite number > 0"));
  }

  @Test
  void wrongTypeAndBadDecayAreReported() {
    InvalidConfigException type =
        assertThrows(
            InvalidConfigException.class,
            () -> TrainingConfigJson.parse("epochs: three\n", true, "run.yaml"));
    assertTrue(type.getMessage().startsWith("run.yaml: key 'epochs'"), type.getMessage());
    InvalidConfigException decay =
        assertThrows(
            InvalidConfigException.class,
            () -> TrainingConfigJson.parse("decay: exponential\n", true, "run.yaml"));
    assertTrue(
        decay.getMessage().contains("decay must be one of cosine, linear, constant"),
        decay.getMessage());
  }

  @Test
  void warmupRatioResolvesAgainstTotalSteps() {
    TrainingConfig c = TrainingConfig.builder().warmupRatio(0.05).build();
    assertEquals(5, c.resolvedWarmupSteps(100));
    assertEquals(7, c.toBuilder().warmupSteps(7).build().resolvedWarmupSteps(100));
  }
}
