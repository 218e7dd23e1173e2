package dev.armory.trainer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs in worker threads of this JVM, at most {@code maxConcurrent} at a time; the others wait in a
 * queue (their state stays ACCEPTED, so a restart picks them up again).
 */
public final class LocalJobLauncher implements JobLauncher {
  private static final Logger LOG = LoggerFactory.getLogger(LocalJobLauncher.class);

  private final RunWorker worker;
  private final ExecutorService pool;
  private final Duration stopGrace;
  private final Map<String, RunHandle> active = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> launches = new ConcurrentHashMap<>();
  private volatile boolean closed;

  public LocalJobLauncher(RunWorker worker, int maxConcurrent, Duration stopGrace) {
    if (maxConcurrent < 1) {
      throw new IllegalArgumentException("max concurrent runs must be >= 1, got " + maxConcurrent);
    }
    this.worker = worker;
    this.stopGrace = stopGrace;
    AtomicInteger n = new AtomicInteger();
    this.pool =
        Executors.newFixedThreadPool(
            maxConcurrent,
            r -> {
              Thread t = new Thread(r, "armory-train-worker-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  @Override
  public String name() {
    return "local";
  }

  @Override
  public synchronized boolean launch(String runId) {
    if (closed) {
      throw new IllegalStateException("the local launcher is closed; run " + runId + " waits");
    }
    RunHandle handle = new RunHandle();
    if (active.putIfAbsent(runId, handle) != null) {
      LOG.info("run {} is already queued or running here", runId);
      return false;
    }
    launches.computeIfAbsent(runId, k -> new AtomicInteger()).incrementAndGet();
    try {
      pool.execute(() -> execute(runId, handle));
    } catch (RejectedExecutionException e) {
      active.remove(runId);
      throw new IllegalStateException("cannot queue run " + runId + ": " + e.getMessage(), e);
    }
    return true;
  }

  private void execute(String runId, RunHandle handle) {
    try {
      if (handle.stopRequested()) {
        return; // closed while queued: it stays ACCEPTED or RUNNING and resumes later
      }
      RunWorker.Outcome outcome = worker.run(runId, handle);
      LOG.info("run {} ended: {}", runId, outcome);
    } catch (Exception | Error e) {
      LOG.error("run {}: worker error; the run stays unfinished and resumes on restart", runId, e);
    } finally {
      active.remove(runId);
    }
  }

  @Override
  public boolean isActive(String runId) {
    return active.containsKey(runId);
  }

  /** How many times this launcher started {@code runId} (tests, diagnostics). */
  public int launchCount(String runId) {
    AtomicInteger n = launches.get(runId);
    return n == null ? 0 : n.get();
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    active.values().forEach(RunHandle::requestStop);
    pool.shutdown();
    try {
      if (!pool.awaitTermination(stopGrace.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("runs {} did not stop within {} s; interrupting them", active.keySet(), stopGrace);
        pool.shutdownNow();
        pool.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
