package dev.armory.engine.generate.kv;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import dev.armory.engine.runtime.GraphSession;
import dev.armory.engine.runtime.Tensors;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a {@link KvCacheGraph} over a {@link SlotKvCache}: a prompt into one row (prefill), or one
 * new token for each of rows 0..n−1 (a decoding step). Inputs are tensors over off-heap buffers,
 * outputs are written into preallocated ones; with GroupQueryAttention the cache buffers are both
 * past and present, so the kernel appends in place, while the standard graph's present outputs go
 * to scratch buffers from which the new entries are copied into the cache. Not thread-safe: one
 * scheduler thread drives it.
 */
public final class KvDecoder implements AutoCloseable {
  private final KvCacheGraph graph;
  private final GraphSession session;
  private final Set<String> inputNames;
  private final KvLayout layout;
  private final int vocabulary;
  private final boolean groupQuery;
  private FloatBuffer logits = FloatBuffer.allocate(0);
  private FloatBuffer[] scratch = new FloatBuffer[0]; // standard kernel: present keys/values

  /** Takes ownership of {@code session}, which must run {@code graph}. */
  public KvDecoder(KvCacheGraph graph, GraphSession session, int vocabulary) {
    this.graph = graph;
    this.session = session;
    this.inputNames = session.inputNames();
    this.layout = graph.layout();
    this.vocabulary = vocabulary;
    this.groupQuery = graph.options().attention() == KvCacheGraph.AttentionKernel.GROUP_QUERY;
  }

  public KvCacheGraph graph() {
    return graph;
  }

  /**
   * Runs the prompt {@code tokens} into {@code row} (whose length must be 0 and whose capacity must
   * hold them) and returns the logits: [V] of the last token, or [T·V] for all-position graphs.
   *
   * @param lora adapter inputs (adapter_index excluded) when the graph has LoRA branches, else
   *     empty
   */
  public float[] prefill(
      SlotKvCache cache, int row, long[] tokens, int adapterSlot, Map<String, OnnxTensor> lora) {
    int t = tokens.length;
    if (cache.length(row) != 0) {
      throw new IllegalStateException(
          "row " + row + " is not empty (length " + cache.length(row) + ")");
    }
    if (t == 0 || t > cache.capacity()) {
      throw new IllegalArgumentException(
          "a prompt of " + t + " tokens does not fit a cache row of " + cache.capacity());
    }
    long[] positions = new long[t];
    for (int i = 0; i < t; i++) {
      positions[i] = i;
    }
    run(cache, row, 1, t, tokens, positions, new int[] {adapterSlot}, lora, true);
    cache.setLength(row, t);
    int outputs = graph.options().allPositions() ? t : 1;
    float[] out = new float[outputs * vocabulary];
    logits.duplicate().rewind().get(out);
    return out;
  }

  /**
   * One decoding step: rows 0..n−1 each take {@code tokens[i]} at position {@code length(i)};
   * returns logits [n·V] (row-major) in a buffer valid until the next call.
   */
  public FloatBuffer decode(
      SlotKvCache cache, int n, long[] tokens, int[] adapterSlots, Map<String, OnnxTensor> lora) {
    long[] positions = new long[n];
    for (int i = 0; i < n; i++) {
      if (cache.length(i) >= cache.capacity()) {
        throw new IllegalStateException(
            "row " + i + " is full (" + cache.capacity() + " tokens); reserve capacity first");
      }
      positions[i] = cache.length(i);
    }
    run(cache, 0, n, 1, tokens, positions, adapterSlots, lora, false);
    for (int i = 0; i < n; i++) {
      cache.setLength(i, cache.length(i) + 1);
    }
    FloatBuffer view = logits.duplicate();
    view.position(0).limit(n * vocabulary);
    return view.slice();
  }

  private void run(
      SlotKvCache cache,
      int first,
      int n,
      int t,
      long[] tokens,
      long[] positions,
      int[] adapterSlots,
      Map<String, OnnxTensor> lora,
      boolean prompt) {
    List<OnnxTensor> owned = new ArrayList<>();
    Map<String, OnnxTensor> in = new HashMap<>();
    Map<String, OnnxValue> out = new HashMap<>();
    try {
      put(in, owned, KvNames.INPUT_IDS, Tensors.longs(tokens, n, t));
      put(in, owned, KvNames.POSITION_IDS, Tensors.longs(positions, n, t));
      if (inputNames.contains(KvNames.ADAPTER_INDEX)) {
        long[] slots = new long[n];
        for (int i = 0; i < n; i++) {
          slots[i] = adapterSlots[i];
        }
        put(in, owned, KvNames.ADAPTER_INDEX, Tensors.longs(slots, n));
        in.putAll(lora);
      }
      int capacity = cache.capacity();
      long[] cacheShape = {n, layout.kvHeads(), capacity, layout.headSize()};
      if (groupQuery) {
        int[] seqlens = new int[n];
        int total = 0;
        for (int i = 0; i < n; i++) {
          int len = (prompt ? 0 : cache.length(first + i)) + t;
          seqlens[i] = len - 1;
          total = Math.max(total, len);
        }
        put(in, owned, KvNames.SEQLENS_K, Tensors.ints(seqlens, n));
        put(in, owned, KvNames.TOTAL_SEQUENCE_LENGTH, Tensors.ints(new int[] {total}));
        for (int l = 0; l < layout.layers(); l++) {
          put(
              in,
              owned,
              KvNames.pastKey(l),
              Tensors.wrap(cache.view(l, true, first, n), cacheShape));
          put(
              in,
              owned,
              KvNames.pastValue(l),
              Tensors.wrap(cache.view(l, false, first, n), cacheShape));
          // The same memory as the past: GroupQueryAttention then appends in place.
          out.put(
              KvNames.presentKey(l),
              own(owned, Tensors.wrap(cache.view(l, true, first, n), cacheShape)));
          out.put(
              KvNames.presentValue(l),
              own(owned, Tensors.wrap(cache.view(l, false, first, n), cacheShape)));
        }
      } else {
        int past = prompt ? 0 : capacity;
        long[] mask = new long[n * (past + t)];
        for (int i = 0; i < n; i++) {
          int len = prompt ? 0 : cache.length(first + i);
          for (int j = 0; j < len; j++) {
            mask[i * (past + t) + j] = 1;
          }
          for (int j = 0; j < t; j++) {
            mask[i * (past + t) + past + j] = 1;
          }
        }
        put(in, owned, KvNames.ATTENTION_MASK, Tensors.longs(mask, n, past + t));
        long[] pastShape = {n, layout.kvHeads(), past, layout.headSize()};
        long[] presentShape = {n, layout.kvHeads(), past + t, layout.headSize()};
        ensureScratch((long) n * layout.floatsPerTokenPerLayer() * (past + t));
        for (int l = 0; l < layout.layers(); l++) {
          put(in, owned, KvNames.pastKey(l), past(cache, l, true, first, n, prompt, pastShape));
          put(in, owned, KvNames.pastValue(l), past(cache, l, false, first, n, prompt, pastShape));
          out.put(
              KvNames.presentKey(l),
              own(owned, Tensors.wrap(exact(scratch[2 * l], presentShape), presentShape)));
          out.put(
              KvNames.presentValue(l),
              own(owned, Tensors.wrap(exact(scratch[2 * l + 1], presentShape), presentShape)));
        }
      }
      int rowsOut = graph.options().allPositions() ? n * t : n;
      ensureLogits((long) rowsOut * vocabulary);
      long[] logitsShape =
          graph.options().allPositions()
              ? new long[] {n, t, vocabulary}
              : new long[] {n, vocabulary};
      out.put(KvNames.LOGITS, own(owned, Tensors.wrap(exact(logits, logitsShape), logitsShape)));
      session.runInto(in, out);
      if (!groupQuery) {
        int past = prompt ? 0 : capacity;
        for (int l = 0; l < layout.layers(); l++) {
          cache.append(l, true, scratch[2 * l], past + t, past, first, n, t, false);
          cache.append(l, false, scratch[2 * l + 1], past + t, past, first, n, t, false);
        }
      }
    } finally {
      owned.forEach(OnnxTensor::close);
    }
  }

  private static OnnxTensor past(
      SlotKvCache cache, int layer, boolean key, int first, int n, boolean prompt, long[] shape) {
    FloatBuffer data =
        prompt ? Tensors.direct(0).asFloatBuffer() : cache.view(layer, key, first, n);
    return Tensors.wrap(data, shape);
  }

  /** The first elements of {@code buffer} that a tensor of {@code shape} covers. */
  private static FloatBuffer exact(FloatBuffer buffer, long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    FloatBuffer v = buffer.duplicate();
    v.position(0).limit(Math.toIntExact(n));
    return v.slice();
  }

  private static void put(
      Map<String, OnnxTensor> in, List<OnnxTensor> owned, String name, OnnxTensor t) {
    owned.add(t);
    in.put(name, t);
  }

  private static OnnxTensor own(List<OnnxTensor> owned, OnnxTensor t) {
    owned.add(t);
    return t;
  }

  private void ensureLogits(long floats) {
    if (logits.capacity() < floats) {
      logits = direct(floats);
    }
    logits.clear();
  }

  private void ensureScratch(long floats) {
    if (scratch.length == 0 || scratch[0].capacity() < floats) {
      scratch = new FloatBuffer[2 * layout.layers()];
      for (int i = 0; i < scratch.length; i++) {
        scratch[i] = direct(floats);
      }
    }
  }

  private static FloatBuffer direct(long floats) {
    return Tensors.direct(floats * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  @Override
  public void close() {
    session.close();
  }
}
