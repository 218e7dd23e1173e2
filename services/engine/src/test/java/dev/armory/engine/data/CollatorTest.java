package dev.armory.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class CollatorTest {
  private static final long X = TokenBatch.IGNORE_INDEX;

  private static TokenizedExample example(int line, int[] ids, int firstTrainable) {
    boolean[] trainable = new boolean[ids.length];
    for (int t = firstTrainable; t < ids.length; t++) {
      trainable[t] = true;
    }
    return new TokenizedExample(line, ids, trainable, false);
  }

  @Test
  void labelsAreAlignedWithLogitsAndRowsRightPadded() {
    Collator collator = new Collator(0);
    TokenBatch batch =
        collator.collateExamples(
            List.of(
                example(1, new int[] {1, 10, 11, 12, 13}, 3),
                example(2, new int[] {1, 20, 21}, 1)));
    assertEquals(2, batch.rows());
    assertEquals(5, batch.seqLen());
    assertArrayEquals(new long[] {1, 10, 11, 12, 13, 1, 20, 21, 0, 0}, batch.inputIds());
    assertArrayEquals(new long[] {1, 1, 1, 1, 1, 1, 1, 1, 0, 0}, batch.attentionMask());
    assertArrayEquals(new long[] {0, 1, 2, 3, 4, 0, 1, 2, 0, 0}, batch.positionIds());
    // Row 1: tokens 12 and 13 are targets, predicted at positions 2 and 3; the last is -100.
    // Row 2: tokens 20 and 21 are targets, predicted at positions 0 and 1.
    assertArrayEquals(new long[] {X, X, 12, 13, X, 20, 21, X, X, X}, batch.labels());
    assertArrayEquals(new long[] {1, 1, 1, 1, 1, 1, 1, 1, 0, 0}, batch.segmentIds());
    assertEquals(8, batch.realTokens());
    assertEquals(4, batch.trainedTokens());
    assertArrayEquals(new long[] {2, 5}, batch.shape());
  }

  @Test
  void packingRestartsPositionsAndNeverLabelsAcrossSegments() {
    List<TokenizedExample> examples =
        List.of(
            example(1, new int[] {1, 5, 6}, 1),
            example(2, new int[] {1, 7}, 1),
            example(3, new int[] {1, 8, 9, 10}, 2),
            example(4, new int[] {1, 11, 12, 13, 14, 15}, 1));
    List<TrainingRow> rows = Packer.pack(examples, 6);
    assertEquals(3, rows.size());
    assertArrayEquals(new int[] {1, 5, 6, 1, 7}, rows.get(0).ids());
    assertArrayEquals(new int[] {1, 1, 1, 2, 2}, rows.get(0).segmentIds());
    assertArrayEquals(new int[] {0, 1, 2, 0, 1}, rows.get(0).positionIds());
    assertEquals(2, rows.get(0).segmentCount());
    assertArrayEquals(new int[] {1, 8, 9, 10}, rows.get(1).ids());
    assertEquals(6, rows.get(2).length());

    TokenBatch batch = new Collator(99).collate(rows);
    assertEquals(6, batch.seqLen());
    long[] row0 = java.util.Arrays.copyOfRange(batch.labels(), 0, 6);
    // Position 2 (last of segment 1) does not predict segment 2's BOS.
    assertArrayEquals(new long[] {5, 6, X, 7, X, X}, row0);
    assertArrayEquals(
        new long[] {0, 1, 2, 0, 1, 0}, java.util.Arrays.copyOfRange(batch.positionIds(), 0, 6));
    assertArrayEquals(
        new long[] {1, 1, 1, 2, 2, 0}, java.util.Arrays.copyOfRange(batch.segmentIds(), 0, 6));
    assertArrayEquals(
        new long[] {X, 9, 10, X, X, X}, java.util.Arrays.copyOfRange(batch.labels(), 6, 12));
    assertEquals(99, batch.inputIds()[5]);
    assertThrows(IllegalArgumentException.class, () -> Packer.pack(examples, 5));
  }

  @Test
  void preferencePairsBatchAsChosenRowsThenRejectedRows() {
    PreferenceExample a =
        new PreferenceExample(1, new int[] {1, 4, 5}, new int[] {6, 2}, new int[] {7, 8, 2}, false);
    PreferenceExample b =
        new PreferenceExample(2, new int[] {1, 9}, new int[] {10, 2}, new int[] {11, 2}, false);
    TokenBatch batch = new Collator(0).collatePreferences(List.of(a, b));
    assertEquals(4, batch.rows());
    assertEquals(6, batch.seqLen());
    assertArrayEquals(
        new long[] {
          1, 4, 5, 6, 2, 0, //
          1, 9, 10, 2, 0, 0, //
          1, 4, 5, 7, 8, 2, //
          1, 9, 11, 2, 0, 0
        },
        batch.inputIds());
    assertArrayEquals(
        new long[] {
          X, X, 6, 2, X, X, //
          X, 10, 2, X, X, X, //
          X, X, 7, 8, 2, X, //
          X, 11, 2, X, X, X
        },
        batch.labels());
    assertEquals(9, batch.trainedTokens());
    assertEquals(19, batch.realTokens());
  }
}
