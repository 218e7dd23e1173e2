package dev.armory.engine.generate.kv;

import dev.armory.engine.runtime.Tensors;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * The KV cache of a batch: per layer one key and one value buffer [rows, G, capacity, D] (float32,
 * off-heap), each row right-padded, entry j of a row holding the token at position j, and each
 * row's length. Rows in use are 0..n−1 so the first n rows form a contiguous [n, G, capacity, D]
 * batch view; a retiring row is replaced by the last one ({@link #moveRow}). Growing rows or
 * capacity re-lays the buffers out, copying only the entries in use.
 */
public final class SlotKvCache {
  private final KvLayout layout;
  private FloatBuffer[] keys; // per layer [rows, G, capacity, D]
  private FloatBuffer[] values;
  private int rows;
  private int capacity;
  private int[] lengths = new int[0];

  public SlotKvCache(KvLayout layout) {
    this.layout = layout;
    this.keys = new FloatBuffer[layout.layers()];
    this.values = new FloatBuffer[layout.layers()];
  }

  public KvLayout layout() {
    return layout;
  }

  /** Allocated rows. */
  public int rows() {
    return rows;
  }

  /** Allocated tokens per row. */
  public int capacity() {
    return capacity;
  }

  /** Bytes these buffers hold for {@code rows} rows of {@code capacity} tokens. */
  public static long bytesFor(KvLayout layout, long rows, long capacity) {
    return rows * capacity * layout.bytesPerToken();
  }

  public long allocatedBytes() {
    return bytesFor(layout, rows, capacity);
  }

  /** Tokens cached in {@code row}. */
  public int length(int row) {
    return lengths[row];
  }

  public void setLength(int row, int length) {
    if (length < 0 || length > capacity) {
      throw new IllegalArgumentException(
          "row " + row + " length " + length + " outside the capacity " + capacity);
    }
    lengths[row] = length;
  }

  /**
   * Makes room for at least {@code rows} rows of {@code capacity} tokens, keeping the entries in
   * use (rows 0..{@code liveRows}−1).
   */
  public void reserve(int wantRows, int wantCapacity, int liveRows) {
    if (wantRows <= rows && wantCapacity <= capacity) {
      return;
    }
    int newRows = Math.max(rows, wantRows);
    int newCapacity = Math.max(capacity, wantCapacity);
    int perToken = layout.floatsPerTokenPerLayer();
    long floats = (long) newRows * newCapacity * perToken;
    if (floats > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "a KV cache of "
              + newRows
              + " rows × "
              + newCapacity
              + " tokens needs "
              + floats
              + " floats per layer buffer, over Java's 2^31 limit; lower the batch size or context");
    }
    for (int l = 0; l < layout.layers(); l++) {
      keys[l] = relayout(keys[l], newRows, newCapacity, liveRows);
      values[l] = relayout(values[l], newRows, newCapacity, liveRows);
    }
    lengths = Arrays.copyOf(lengths, newRows);
    rows = newRows;
    capacity = newCapacity;
  }

  private FloatBuffer relayout(FloatBuffer old, int newRows, int newCapacity, int liveRows) {
    FloatBuffer fresh =
        Tensors.direct((long) newRows * layout.kvHeads() * newCapacity * layout.headSize() * 4)
            .order(ByteOrder.nativeOrder())
            .asFloatBuffer();
    if (old != null) {
      int d = layout.headSize();
      for (int r = 0; r < liveRows; r++) {
        for (int g = 0; g < layout.kvHeads(); g++) {
          int n = lengths[r] * d;
          FloatBuffer src = old.duplicate();
          src.position(((r * layout.kvHeads() + g) * capacity) * d).limit(src.position() + n);
          FloatBuffer dst = fresh.duplicate();
          dst.position(((r * layout.kvHeads() + g) * newCapacity) * d);
          dst.put(src);
        }
      }
    }
    return fresh;
  }

  /** Drops every buffer (rows and capacity back to 0). */
  public void release() {
    Arrays.fill(keys, null);
    Arrays.fill(values, null);
    rows = 0;
    capacity = 0;
    lengths = new int[0];
  }

  /** Copies row {@code from}'s entries in use to row {@code to} (rows move down on retirement). */
  public void moveRow(int from, int to) {
    int d = layout.headSize();
    int n = lengths[from] * d;
    for (int l = 0; l < layout.layers(); l++) {
      for (FloatBuffer buf : new FloatBuffer[] {keys[l], values[l]}) {
        for (int g = 0; g < layout.kvHeads(); g++) {
          FloatBuffer src = buf.duplicate();
          src.position(((from * layout.kvHeads() + g) * capacity) * d).limit(src.position() + n);
          FloatBuffer dst = buf.duplicate();
          dst.position(((to * layout.kvHeads() + g) * capacity) * d);
          dst.put(src);
        }
      }
    }
    lengths[to] = lengths[from];
    lengths[from] = 0;
  }

  /** Layer {@code layer}'s keys (or values) of rows [first, first + count) as one buffer. */
  FloatBuffer view(int layer, boolean key, int first, int count) {
    FloatBuffer buf = (key ? keys : values)[layer];
    int rowFloats = layout.kvHeads() * capacity * layout.headSize();
    FloatBuffer v = buf.duplicate();
    v.position(first * rowFloats).limit((first + count) * rowFloats);
    return v.slice();
  }

  /**
   * Writes {@code count} new entries per row from {@code source} [n, G, S, D] (entries at sequence
   * index {@code sourceStart}) into rows [first, first + n) at each row's length, and advances the
   * lengths.
   */
  void append(
      int layer,
      boolean key,
      FloatBuffer source,
      int sourceLength,
      int sourceStart,
      int first,
      int n,
      int count,
      boolean advance) {
    FloatBuffer buf = (key ? keys : values)[layer];
    int d = layout.headSize();
    for (int r = 0; r < n; r++) {
      int row = first + r;
      for (int g = 0; g < layout.kvHeads(); g++) {
        FloatBuffer src = source.duplicate();
        src.position(((r * layout.kvHeads() + g) * sourceLength + sourceStart) * d)
            .limit(src.position() + count * d);
        FloatBuffer dst = buf.duplicate();
        dst.position(((row * layout.kvHeads() + g) * capacity + lengths[row]) * d);
        dst.put(src);
      }
    }
    if (advance) {
      for (int r = 0; r < n; r++) {
        lengths[first + r] += count;
      }
    }
  }
}
