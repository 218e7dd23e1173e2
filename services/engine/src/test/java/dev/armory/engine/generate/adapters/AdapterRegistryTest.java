package dev.armory.engine.generate.adapters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.engine.fixtures.TinyModelGenerator;
import dev.armory.engine.hf.HfModelDir;
import dev.armory.engine.hf.ModelType;
import dev.armory.engine.models.ModelArchitecture;
import dev.armory.engine.peft.LoraAdapter;
import dev.armory.engine.peft.LoraConfig;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Registration, LRU residency under a byte budget, pinning, counters and slot contents. */
class AdapterRegistryTest {
  @TempDir Path dir;

  private ModelArchitecture arch() throws Exception {
    TinyModelGenerator.generate(ModelType.LLAMA, dir.resolve("model"), 1);
    try (HfModelDir m = HfModelDir.open(dir.resolve("model"))) {
      return ModelArchitecture.of(m.config());
    }
  }

  private Path adapter(ModelArchitecture arch, String name, int rank, float fill) throws Exception {
    LoraAdapter a =
        LoraAdapter.initialise(arch, LoraConfig.defaults().withRank(rank).withAlpha(rank), 1);
    for (LoraAdapter.Module m : a.modules()) {
      for (int i = 0; i < m.b().capacity(); i++) {
        m.b().put(i, fill);
      }
    }
    Path p = dir.resolve("adapters").resolve(name);
    a.save(p);
    return p;
  }

  @Test
  void leastRecentlyUsedUnpinnedAdaptersAreEvictedToFitTheBudget() throws Exception {
    ModelArchitecture arch = arch();
    for (String n : List.of("a", "b", "c")) {
      adapter(arch, n, 4, 1f);
    }
    long oneAdapter;
    {
      AdapterRegistry probe = new AdapterRegistry(arch, Long.MAX_VALUE);
      oneAdapter = probe.register("a", dir.resolve("adapters/a")).bytes();
    }
    AdapterRegistry r = new AdapterRegistry(arch, 2 * oneAdapter);
    assertEquals(3, r.registerAll(dir.resolve("adapters")).size());
    assertEquals(0, r.stats().loaded(), "registering reads no weights");
    try (AdapterLease a = r.acquire("a")) {
      assertTrue(a.slot() > 0);
      r.acquire("b").close();
      // c needs room: a is pinned, so b (unpinned) goes.
      r.acquire("c").close();
      assertTrue(r.info("a").loaded());
      assertFalse(r.info("b").loaded());
      assertTrue(r.info("c").loaded());
      // With a pinned and c resident, b cannot fit unless c (unpinned) is evicted: it is.
      r.acquire("b").close();
      assertFalse(r.info("c").loaded());
    }
    AdapterStats s = r.stats();
    assertEquals(0, s.hits());
    assertEquals(4, s.misses());
    assertEquals(2, s.evictions());
    assertTrue(s.residentBytes() <= s.budgetBytes());
    r.acquire("a").close();
    assertEquals(1, r.stats().hits());
    AdapterRegistry tiny = new AdapterRegistry(arch, oneAdapter - 1);
    tiny.register("a", dir.resolve("adapters/a"));
    AdapterCapacityException tooBig =
        assertThrows(AdapterCapacityException.class, () -> tiny.acquire("a"));
    assertTrue(tooBig.getMessage().contains("budget"));
  }

  @Test
  void slotsHoldScaledFactorsPaddedToTheLargestRankAndUnloadWaitsForRelease() throws Exception {
    ModelArchitecture arch = arch();
    adapter(arch, "small", 2, 0.5f);
    adapter(arch, "big", 8, 0.25f);
    AdapterRegistry r = new AdapterRegistry(arch, 1L << 30);
    r.registerAll(dir.resolve("adapters"));
    AdapterLease small = r.acquire("small");
    AdapterLease big = r.acquire("big");
    SlotStacks stacks = r.stacks();
    assertEquals(8, stacks.rank());
    String q = "model.layers.0.self_attn.q_proj";
    FloatBuffer b = stacks.b().get(q);
    int out = arch.linearModule(q).outFeatures();
    // scale = alpha / r = 1: B as written; columns beyond the small adapter's rank are zero.
    assertEquals(0.5f, b.get((small.slot() * out) * 8 + 1));
    assertEquals(0f, b.get((small.slot() * out) * 8 + 2));
    assertEquals(0.25f, b.get((big.slot() * out) * 8 + 7));
    for (int i = 0; i < out * 8; i++) {
      assertEquals(0f, b.get(i), "slot 0 is the base model: all zero");
    }
    assertTrue(r.unload("small"));
    assertTrue(r.info("small").loaded(), "in use: unloaded when released");
    small.close();
    assertFalse(r.info("small").loaded());
    r.unregister("big");
    assertFalse(r.isRegistered("big"));
    big.close();
    assertEquals(0, r.stats().loaded());
    assertThrows(UnknownAdapterException.class, () -> r.acquire("big"));
    assertThrows(IllegalArgumentException.class, () -> r.register("bad id", dir));
  }

  @Test
  void concurrentAcquiresAreSafe() throws Exception {
    ModelArchitecture arch = arch();
    for (int i = 0; i < 6; i++) {
      adapter(arch, "x" + i, 2, i);
    }
    AdapterRegistry r = new AdapterRegistry(arch, 1L << 30);
    r.registerAll(dir.resolve("adapters"));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> jobs = new java.util.ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int seed = t;
        jobs.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 50; i++) {
                    try (AdapterLease l = r.acquire("x" + ((i + seed) % 6))) {
                      if (l.slot() <= 0) {
                        throw new AssertionError("slot " + l.slot());
                      }
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : jobs) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    AdapterStats s = r.stats();
    assertEquals(200, s.hits() + s.misses());
    assertEquals(6, s.loaded());
  }
}
