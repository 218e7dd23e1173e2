package dev.armory.engine.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Packs short examples into rows of at most {@code maxSeqLen} tokens, greedily in the given order
 * (an example that does not fit starts a new row; examples are never split). Each example keeps its
 * own segment id and positions that restart at 0, and no label crosses from one example into the
 * next (see {@link Collator}).
 *
 * <p>Packed rows need block-diagonal causal attention: the forward graph must let token {@code i}
 * attend to token {@code j} only when {@code j <= i} and {@code segment_ids[i] == segment_ids[j]}.
 * With plain causal attention over the padding mask the examples in a row would see each other.
 */
public final class Packer {
  private Packer() {}

  /** Packs {@code examples} (each at most {@code maxSeqLen} long) into rows. */
  public static List<TrainingRow> pack(List<TokenizedExample> examples, int maxSeqLen) {
    if (maxSeqLen < 1) {
      throw new IllegalArgumentException("maxSeqLen must be positive, got " + maxSeqLen);
    }
    List<TrainingRow> rows = new ArrayList<>();
    List<TokenizedExample> current = new ArrayList<>();
    int used = 0;
    for (TokenizedExample example : examples) {
      if (example.length() > maxSeqLen) {
        throw new IllegalArgumentException(
            "line "
                + example.line()
                + ": example has "
                + example.length()
                + " tokens, more than maxSeqLen "
                + maxSeqLen
                + "; tokenise with the same maximum length before packing");
      }
      if (used + example.length() > maxSeqLen && !current.isEmpty()) {
        rows.add(row(current, used));
        current.clear();
        used = 0;
      }
      current.add(example);
      used += example.length();
    }
    if (!current.isEmpty()) {
      rows.add(row(current, used));
    }
    return rows;
  }

  private static TrainingRow row(List<TokenizedExample> examples, int length) {
    int[] ids = new int[length];
    boolean[] trainable = new boolean[length];
    int[] segments = new int[length];
    int[] positions = new int[length];
    int offset = 0;
    for (int s = 0; s < examples.size(); s++) {
      TokenizedExample example = examples.get(s);
      int n = example.length();
      System.arraycopy(example.ids(), 0, ids, offset, n);
      System.arraycopy(example.trainable(), 0, trainable, offset, n);
      for (int t = 0; t < n; t++) {
        segments[offset + t] = s + 1;
        positions[offset + t] = t;
      }
      offset += n;
    }
    return new TrainingRow(ids, trainable, segments, positions);
  }
}
