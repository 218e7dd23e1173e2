package dev.armory.engine.train;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Micro-batches over a list of examples of any type, in a deterministic order: each epoch is a
 * permutation drawn from (seed, epoch) alone, so a {@link DataCursor} is enough to resume exactly.
 * The last batch of an epoch may be smaller. Tokenising, packing and padding happen in {@code
 * collate}, which turns a list of examples into the model's batch.
 *
 * @param <T> example type
 * @param <B> batch type
 */
public final class BatchSource<T, B extends Batch> {
  private final List<T> examples;
  private final int batchSize;
  private final long seed;
  private final boolean shuffle;
  private final Function<List<T>, B> collate;
  private DataCursor cursor = DataCursor.start();
  private int[] order; // permutation of the cursor's epoch
  private int orderEpoch = -1;

  private BatchSource(
      List<T> examples, int batchSize, long seed, boolean shuffle, Function<List<T>, B> collate) {
    if (examples.isEmpty()) {
      throw new IllegalArgumentException(
          "the dataset has no examples; check the data file and its filters");
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    }
    this.examples = List.copyOf(examples);
    this.batchSize = batchSize;
    this.seed = seed;
    this.shuffle = shuffle;
    this.collate = collate;
  }

  /** Batches in a fresh shuffled order every epoch (training data). */
  public static <T, B extends Batch> BatchSource<T, B> shuffled(
      List<T> examples, int batchSize, long seed, Function<List<T>, B> collate) {
    return new BatchSource<>(examples, batchSize, seed, true, collate);
  }

  /** Batches in the examples' own order every epoch (eval data). */
  public static <T, B extends Batch> BatchSource<T, B> inOrder(
      List<T> examples, int batchSize, Function<List<T>, B> collate) {
    return new BatchSource<>(examples, batchSize, 0, false, collate);
  }

  public int exampleCount() {
    return examples.size();
  }

  public int batchSize() {
    return batchSize;
  }

  /** Batches in one epoch (the last may be partial). */
  public int batchesPerEpoch() {
    return (examples.size() + batchSize - 1) / batchSize;
  }

  /** Position of the next batch {@link #next()} returns. */
  public DataCursor cursor() {
    return cursor;
  }

  /** Moves to {@code c}, e.g. a checkpoint's cursor. */
  public void seek(DataCursor c) {
    if (c.index() > batchesPerEpoch()) {
      throw new IllegalArgumentException(
          "data cursor "
              + c
              + " is past the end of an epoch of "
              + batchesPerEpoch()
              + " batches; the dataset or micro_batch_size changed since the checkpoint");
    }
    cursor = c;
  }

  /** The batch at the cursor; advances it, moving to the next epoch after the last batch. */
  public B next() {
    if (cursor.index() >= batchesPerEpoch()) {
      cursor = new DataCursor(cursor.epoch() + 1, 0);
    }
    B b = batch(cursor.epoch(), cursor.index());
    cursor = new DataCursor(cursor.epoch(), cursor.index() + 1);
    return b;
  }

  /** Batch {@code index} of {@code epoch}, without moving the cursor. */
  public B batch(int epoch, int index) {
    int[] perm = order(epoch);
    int from = index * batchSize;
    int to = Math.min(from + batchSize, examples.size());
    if (index < 0 || from >= to) {
      throw new IndexOutOfBoundsException(
          "batch " + index + " of an epoch of " + batchesPerEpoch() + " batches");
    }
    List<T> items = new ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      items.add(examples.get(perm[i]));
    }
    return collate.apply(items);
  }

  /** The example order of {@code epoch}: a seeded permutation, or identity when not shuffling. */
  int[] order(int epoch) {
    if (epoch != orderEpoch) {
      int[] p = new int[examples.size()];
      for (int i = 0; i < p.length; i++) {
        p[i] = i;
      }
      if (shuffle) {
        new SplitMix64(SplitMix64.mix(seed, epoch)).shuffle(p);
      }
      order = p;
      orderEpoch = epoch;
    }
    return order;
  }
}
