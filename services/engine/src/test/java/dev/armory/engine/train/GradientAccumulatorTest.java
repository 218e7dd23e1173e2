package dev.armory.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.engine.train.SoftmaxRegression.ToyBatch;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GradientAccumulatorTest {
  @Test
  void twoHalfBatchesAccumulateToTheGradientOfTheWholeBatch() {
    List<SoftmaxRegression.Example> data = SoftmaxRegression.dataset(16, 5);
    Parameters params = SoftmaxRegression.initialParameters(9);
    try (SoftmaxRegression model = new SoftmaxRegression(params)) {
      GradientAccumulator whole = new GradientAccumulator(params);
      StepOutput full = model.forwardBackward(ToyBatch.of(data), params, new SplitMix64(0));
      whole.add(full.gradients(), 1f);

      GradientAccumulator halves = new GradientAccumulator(params);
      StepOutput a = model.forwardBackward(ToyBatch.of(data.subList(0, 8)), params, null);
      halves.add(a.gradients(), 0.5f);
      StepOutput b = model.forwardBackward(ToyBatch.of(data.subList(8, 16)), params, null);
      halves.add(b.gradients(), 0.5f);

      assertEquals(full.loss(), (a.loss() + b.loss()) / 2, 1e-6);
      double maxAbs = 0;
      for (String name : params.names()) {
        float[] w = whole.gradients().get(name).toArray();
        float[] h = halves.gradients().get(name).toArray();
        for (int i = 0; i < w.length; i++) {
          assertEquals(w[i], h[i], 1e-6, name + "[" + i + "]");
          maxAbs = Math.max(maxAbs, Math.abs(w[i]));
        }
      }
      assertTrue(maxAbs > 1e-3, "the gradients are not trivially zero");
    }
  }

  @Test
  void trainerWithAccumulationTwoFollowsTheDoubleBatchRun(@TempDir Path dir) throws Exception {
    TrainingConfig base =
        TrainingConfig.builder().learningRate(0.05).maxSteps(8).evalEverySteps(0).seed(3).build();
    // The example order depends only on the seed, so micro-batches 2i and 2i+1 of size 4 hold
    // exactly the examples of batch i of size 8.
    try (ToyRun accumulated =
            new ToyRun(
                dir.resolve("acc"),
                base.toBuilder().microBatchSize(4).gradientAccumulationSteps(2).build());
        ToyRun doubled =
            new ToyRun(
                dir.resolve("big"),
                base.toBuilder().microBatchSize(8).gradientAccumulationSteps(1).build())) {
      accumulated.run();
      doubled.run();
      for (int i = 0; i < 8; i++) {
        assertEquals(doubled.losses.get(i), accumulated.losses.get(i), 1e-5, "step " + (i + 1));
      }
    }
  }

  @Test
  void missingOrWrongSizedGradientsAreNamed() {
    Parameters params = new Parameters();
    params.add("A", 2, 2);
    params.add("B", 3);
    GradientAccumulator acc = new GradientAccumulator(params);
    IllegalStateException missing =
        assertThrows(
            IllegalStateException.class, () -> acc.add(Map.of("A", FloatBuffer.allocate(4)), 1f));
    assertTrue(missing.getMessage().contains("[A, B]"), missing.getMessage());
    IllegalStateException size =
        assertThrows(
            IllegalStateException.class,
            () -> acc.add(Map.of("A", FloatBuffer.allocate(4), "B", FloatBuffer.allocate(2)), 1f));
    assertEquals("the gradient of 'B' has 2 values but the parameter has 3", size.getMessage());
  }
}
