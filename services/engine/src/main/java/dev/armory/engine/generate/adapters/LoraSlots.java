package dev.armory.engine.generate.adapters;

import dev.armory.engine.models.LinearModule;
import dev.armory.engine.peft.LoraAdapter;
import dev.armory.engine.runtime.Tensors;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The LoRA factors of every loaded adapter stacked by slot, as the inference graph's inputs take
 * them: per module A [slots, R, in] and B [slots, out, R] (off-heap float32). Slot 0 stays zero (no
 * adapter); an adapter of rank r &lt; R fills rows (A) or columns (B) 0..r−1 and leaves the rest
 * zero; B holds scale·B. Modules, rank and slot count only grow; growing re-lays the stacks out
 * into new buffers and bumps {@link #version()}, so a reader holding the old buffers keeps a
 * consistent view. Not thread-safe: the registry guards it.
 */
final class LoraSlots {
  private final Map<String, LinearModule> modules = new LinkedHashMap<>();
  private final Map<String, FloatBuffer> a = new LinkedHashMap<>();
  private final Map<String, FloatBuffer> b = new LinkedHashMap<>();
  private int rank;
  private int slots;
  private long version;

  /** Modules with a branch, in the order they joined. */
  List<LinearModule> modules() {
    return new ArrayList<>(modules.values());
  }

  int rank() {
    return rank;
  }

  int slots() {
    return slots;
  }

  long version() {
    return version;
  }

  /** Bytes of the stacks. */
  long bytes() {
    long perRank = 0;
    for (LinearModule m : modules.values()) {
      perRank += m.inFeatures() + m.outFeatures();
    }
    return 4L * slots * rank * perRank;
  }

  /** Bytes one slot would take with {@code targets} added and rank at least {@code newRank}. */
  long slotBytesWith(Collection<LinearModule> targets, int newRank) {
    long perRank = 0;
    for (LinearModule m : modules.values()) {
      perRank += m.inFeatures() + m.outFeatures();
    }
    for (LinearModule m : targets) {
      if (!modules.containsKey(m.name())) {
        perRank += m.inFeatures() + m.outFeatures();
      }
    }
    return 4L * Math.max(rank, newRank) * perRank;
  }

  FloatBuffer a(String module) {
    return a.get(module);
  }

  FloatBuffer b(String module) {
    return b.get(module);
  }

  /** True when {@code adapter} fits without growing (modules and rank). */
  boolean covers(Collection<LinearModule> targets, int adapterRank) {
    if (adapterRank > rank) {
      return false;
    }
    for (LinearModule m : targets) {
      if (!modules.containsKey(m.name())) {
        return false;
      }
    }
    return true;
  }

  /** Grows to hold {@code targets} at rank {@code newRank} in {@code newSlots} slots. */
  void grow(Collection<LinearModule> targets, int newRank, int newSlots) {
    int r = Math.max(rank, newRank);
    int s = Math.max(slots, newSlots);
    boolean newModules = false;
    for (LinearModule m : targets) {
      newModules |= !modules.containsKey(m.name());
    }
    if (r == rank && s == slots && !newModules) {
      return;
    }
    for (LinearModule m : modules.values()) {
      a.put(m.name(), relayoutA(a.get(m.name()), m.inFeatures(), r, s));
      b.put(m.name(), relayoutB(b.get(m.name()), m.outFeatures(), r, s));
    }
    for (LinearModule m : targets) {
      if (!modules.containsKey(m.name())) {
        modules.put(m.name(), m);
        a.put(m.name(), buffer((long) s * r * m.inFeatures()));
        b.put(m.name(), buffer((long) s * m.outFeatures() * r));
      }
    }
    rank = r;
    slots = s;
    version++;
  }

  private FloatBuffer relayoutA(FloatBuffer old, int in, int r, int s) {
    FloatBuffer fresh = buffer((long) s * r * in);
    for (int slot = 0; slot < slots; slot++) {
      FloatBuffer src = old.duplicate();
      src.position(slot * rank * in).limit((slot + 1) * rank * in);
      fresh.duplicate().position(slot * r * in).put(src);
    }
    return fresh;
  }

  private FloatBuffer relayoutB(FloatBuffer old, int out, int r, int s) {
    FloatBuffer fresh = buffer((long) s * out * r);
    for (int slot = 0; slot < slots; slot++) {
      for (int o = 0; o < out; o++) {
        FloatBuffer src = old.duplicate();
        int from = (slot * out + o) * rank;
        src.position(from).limit(from + rank);
        fresh.duplicate().position((slot * out + o) * r).put(src);
      }
    }
    return fresh;
  }

  /** Writes {@code adapter} into {@code slot} (zeroing what it does not cover). */
  void write(int slot, LoraAdapter adapter) {
    clear(slot);
    for (LoraAdapter.Module m : adapter.modules()) {
      String name = m.target().name();
      int in = m.target().inFeatures();
      int out = m.target().outFeatures();
      FloatBuffer stackA = a.get(name);
      FloatBuffer srcA = m.a().duplicate();
      srcA.rewind();
      stackA.duplicate().position(slot * rank * in).put(srcA); // rows 0..r-1 of [R, in]
      FloatBuffer stackB = b.get(name);
      FloatBuffer srcB = m.b().duplicate();
      float scale = (float) m.scale();
      for (int o = 0; o < out; o++) {
        int base = (slot * out + o) * rank;
        for (int j = 0; j < m.rank(); j++) {
          stackB.put(base + j, scale * srcB.get(o * m.rank() + j));
        }
      }
    }
  }

  /** Zeroes {@code slot} in every stack. */
  void clear(int slot) {
    for (LinearModule m : modules.values()) {
      fill(a.get(m.name()), slot * rank * m.inFeatures(), rank * m.inFeatures());
      fill(b.get(m.name()), slot * m.outFeatures() * rank, m.outFeatures() * rank);
    }
  }

  private static void fill(FloatBuffer buf, int from, int count) {
    for (int i = 0; i < count; i++) {
      buf.put(from + i, 0f);
    }
  }

  private static FloatBuffer buffer(long floats) {
    return Tensors.direct(floats * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
  }
}
