package dev.armory.engine.merge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** TIES, trimming and the linear sum on crafted deltas, against results worked out by hand. */
class TaskArithmeticTest {
  // Three task deltas of six entries each.
  static final float[] T1 = {0.5f, -0.2f, 0.1f, 0.0f, -0.9f, 0.3f};
  static final float[] T2 = {-0.4f, -0.3f, 0.2f, 0.6f, 0.1f, -0.05f};
  static final float[] T3 = {-0.2f, 0.8f, -0.1f, -0.7f, 0.4f, 0.2f};

  @Test
  void trimKeepsTheLargestMagnitudes() {
    // density 0.5 of 6 entries: k = 3 -> |-0.9|, |0.5|, |0.3| survive.
    assertArrayEquals(new float[] {0.5f, 0, 0, 0, -0.9f, 0.3f}, TaskArithmetic.trim(T1, 0.5), 0f);
    // k = floor(0.4 * 6) = 2.
    assertArrayEquals(new float[] {0.5f, 0, 0, 0, -0.9f, 0}, TaskArithmetic.trim(T1, 0.4), 0f);
    // Ties at the threshold: the earlier entries are kept.
    assertArrayEquals(
        new float[] {1, -1, 0, 0}, TaskArithmetic.trim(new float[] {1, -1, 1, -1}, 0.5), 0f);
    assertArrayEquals(T1, TaskArithmetic.trim(T1, 1.0), 0f);
  }

  @Test
  void tiesWithTotalSignElectionMatchesTheHandComputation() {
    // density 0.5 (k = 3 per task):
    //   τ1 = [ 0.5,  0,    0,    0,   -0.9,  0.3]
    //   τ2 = [-0.4, -0.3,  0,    0.6,  0,    0  ]
    //   τ3 = [ 0,    0.8,  0,   -0.7,  0.4,  0  ]
    // Elected sign (sign of the unweighted sum): [+, +, +, -, -, +]
    //   sums: 0.1, 0.5, 0, -0.1, -0.5, 0.3   (a zero sum elects +)
    // Weights w = (1, 2, 0.5); disjoint mean over the agreeing entries:
    //   e0: only τ1 agrees (+0.5·1) / 1            = 0.5
    //   e1: only τ3 agrees (0.8·0.5) / 1           = 0.4
    //   e2: nothing survived: 0 / max(0, 1)        = 0
    //   e3: only τ3 agrees (-0.7·0.5) / 1          = -0.35
    //   e4: only τ1 agrees (-0.9·1) / 1            = -0.9
    //   e5: only τ1 agrees (0.3·1) / 1             = 0.3
    float[] merged =
        TaskArithmetic.ties(List.of(T1, T2, T3), new double[] {1, 2, 0.5}, 0.5, SignElection.TOTAL);
    assertArrayEquals(new float[] {0.5f, 0.4f, 0f, -0.35f, -0.9f, 0.3f}, merged, 1e-7f);
  }

  @Test
  void tiesWithFrequencySignElectionMatchesTheHandComputation() {
    // No trimming (density 1). Signs per entry:
    //   e0: +,-,- -> sum -1 -> elect -: (-0.4·1 + -0.2·1) / 2 = -0.3
    //   e1: -,-,+ -> -: (-0.2 + -0.3) / 2 = -0.25
    //   e2: +,+,- -> +: (0.1 + 0.2) / 2 = 0.15
    //   e3: 0,+,- -> sum 0 -> +: 0.6 / 1 = 0.6
    //   e4: -,+,+ -> +: (0.1 + 0.4) / 2 = 0.25
    //   e5: +,-,+ -> +: (0.3 + 0.2) / 2 = 0.25
    // The total rule elects differently where magnitudes outvote counts:
    //   e1: -0.2 - 0.3 + 0.8 = 0.3 -> +: 0.8;  e3: 0.6 - 0.7 = -0.1 -> -: -0.7;
    //   e4: -0.9 + 0.1 + 0.4 = -0.4 -> -: -0.9
    float[] merged =
        TaskArithmetic.ties(
            List.of(T1, T2, T3), new double[] {1, 1, 1}, 1.0, SignElection.FREQUENCY);
    assertArrayEquals(new float[] {-0.3f, -0.25f, 0.15f, 0.6f, 0.25f, 0.25f}, merged, 1e-7f);
    float[] total =
        TaskArithmetic.ties(List.of(T1, T2, T3), new double[] {1, 1, 1}, 1.0, SignElection.TOTAL);
    assertArrayEquals(new float[] {-0.3f, 0.8f, 0.15f, -0.7f, -0.9f, 0.25f}, total, 1e-7f);
  }

  @Test
  void linearIsTheWeightedSum() {
    float[] merged = TaskArithmetic.linear(List.of(T1, T2), new double[] {0.5, -2});
    float[] expected = new float[T1.length];
    for (int i = 0; i < expected.length; i++) {
      expected[i] = (float) (0.5 * T1[i] - 2.0 * T2[i]);
    }
    assertArrayEquals(expected, merged, 0f);
  }

  @Test
  void badDensityIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> TaskArithmetic.trim(T1, 0));
    assertThrows(IllegalArgumentException.class, () -> TaskArithmetic.trim(T1, 1.5));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            TaskArithmetic.ties(
                List.of(T1, new float[2]), new double[] {1, 1}, 1, SignElection.TOTAL));
  }
}
