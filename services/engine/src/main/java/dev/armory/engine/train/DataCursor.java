package dev.armory.engine.train;

/**
 * Where a {@link BatchSource} stands: the next batch is number {@code index} (0-based) of epoch
 * {@code epoch} (0-based). Saved in checkpoints so a resumed run reads the same batches.
 */
public record DataCursor(int epoch, int index) {
  public DataCursor {
    if (epoch < 0 || index < 0) {
      throw new IllegalArgumentException(
          "a data cursor has epoch >= 0 and index >= 0, got epoch " + epoch + " index " + index);
    }
  }

  public static DataCursor start() {
    return new DataCursor(0, 0);
  }
}
