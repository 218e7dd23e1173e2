package dev.armory.platform.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessedKeysTest {

  @TempDir Path dir;

  @Test
  void runOnceSurvivesAReopenedStore() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    ProcessedKeys.Outcome first =
        ArtifactStore.open(dir)
            .processedKeys()
            .runOnce("ingestion", "ds-1", "e1", () -> Map.of("n", "" + runs.incrementAndGet()));
    ProcessedKeys.Outcome second =
        ArtifactStore.open(dir)
            .processedKeys()
            .runOnce("ingestion", "ds-1", "e2", () -> Map.of("n", "" + runs.incrementAndGet()));
    assertTrue(first.ranNow());
    assertFalse(second.ranNow());
    assertEquals(Map.of("n", "1"), second.result());
    assertEquals(1, runs.get());
    assertEquals(
        "e1", ArtifactStore.open(dir).processedKeys().find("ingestion", "ds-1").get().eventId());
  }

  @Test
  void aFailedEffectIsNotRecorded() throws Exception {
    ProcessedKeys keys = ArtifactStore.open(dir).processedKeys();
    assertThrows(
        IllegalStateException.class,
        () ->
            keys.runOnce(
                "s",
                "k",
                "e1",
                () -> {
                  throw new IllegalStateException("boom");
                }));
    assertTrue(keys.find("s", "k").isEmpty());
    assertTrue(keys.runOnce("s", "k", "e2", Map::of).ranNow());
  }

  @Test
  void exactlyOneOfManyConcurrentClaimsWins() throws Exception {
    ProcessedKeys keys = ArtifactStore.open(dir).processedKeys();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Boolean>> claims = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      String event = "e" + i;
      claims.add(
          pool.submit(
              () -> {
                go.await();
                return keys.claim("trainer", "run-42", event);
              }));
    }
    go.countDown();
    int won = 0;
    for (Future<Boolean> f : claims) {
      won += f.get() ? 1 : 0;
    }
    pool.shutdown();
    assertEquals(1, won);
    assertEquals(ProcessedKeys.State.CLAIMED, keys.find("trainer", "run-42").get().state());
    keys.complete("trainer", "run-42", "e0", Map.of("adapter", "adapters/run-42"));
    assertTrue(keys.isDone("trainer", "run-42"));
    assertFalse(keys.claim("trainer", "run-42", "e99"));
  }

  @Test
  void scopesAreSeparateAndChecked() throws Exception {
    ProcessedKeys keys = ArtifactStore.open(dir).processedKeys();
    assertTrue(keys.claim("a", "k", "e"));
    assertTrue(keys.claim("b", "k", "e"));
    assertThrows(IllegalArgumentException.class, () -> keys.claim("../x", "k", "e"));
    assertThrows(IllegalArgumentException.class, () -> keys.claim("a", "", "e"));
  }
}
