package dev.armory.engine.data;

/**
 * One row of a batch before padding: one example, or several packed together. Segments are numbered
 * from 1 within the row and positions restart at 0 in each segment.
 *
 * @param ids token ids
 * @param trainable per token: whether it is a training target (see {@link TokenizedExample})
 * @param segmentIds per token: 1 for the first example in the row, 2 for the next, ...
 * @param positionIds per token: its position within its own segment
 */
public record TrainingRow(int[] ids, boolean[] trainable, int[] segmentIds, int[] positionIds) {
  public TrainingRow {
    int n = ids.length;
    if (trainable.length != n || segmentIds.length != n || positionIds.length != n) {
      throw new IllegalArgumentException(
          "row arrays differ in length: ids "
              + n
              + ", trainable "
              + trainable.length
              + ", segments "
              + segmentIds.length
              + ", positions "
              + positionIds.length);
    }
  }

  /** A row holding one example: segment 1, positions 0..n-1. */
  public static TrainingRow of(TokenizedExample example) {
    int n = example.length();
    int[] segments = new int[n];
    int[] positions = new int[n];
    for (int t = 0; t < n; t++) {
      segments[t] = 1;
      positions[t] = t;
    }
    return new TrainingRow(example.ids(), example.trainable(), segments, positions);
  }

  public int length() {
    return ids.length;
  }

  /** The number of examples packed into this row. */
  public int segmentCount() {
    return ids.length == 0 ? 0 : segmentIds[ids.length - 1];
  }
}
