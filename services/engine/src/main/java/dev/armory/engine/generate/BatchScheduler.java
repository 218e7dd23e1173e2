package dev.armory.engine.generate;

import dev.armory.engine.generate.adapters.AdapterRegistry;
import dev.armory.engine.generate.adapters.SlotStacks;
import dev.armory.engine.generate.kv.KvDecoder;
import dev.armory.engine.generate.kv.KvLayout;
import dev.armory.engine.generate.kv.SlotKvCache;
import java.nio.FloatBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Continuous batching on one thread. Between decoding steps it retires finished and cancelled
 * requests (freeing their cache rows), admits queued ones while the batch and KV-cache caps allow
 * (each runs its prompt alone, then joins the batch), and then runs one step for every active row.
 *
 * <p>KV layout: row i of the batch is row i of a {@link SlotKvCache}; rows are right-padded with
 * their own lengths, so rows of different lengths decode together (GroupQueryAttention reads the
 * lengths, the standard graph a mask built from them). A retiring row is replaced by the last row.
 * Each admitted request reserves its prompt plus max_new_tokens (capped by the context), so a
 * running row never runs out of room; the cache grows in rows and in 64-token steps, and its
 * allocation never exceeds the KV-cache limit (requests wait in the queue until it would fit).
 */
final class BatchScheduler implements Runnable {
  static final int CAPACITY_STEP = 64;

  private final InferenceModel model;
  private final AdapterRegistry adapters;
  private final EngineLimits limits;
  private final int context;
  private final int vocabulary;
  private final SlotKvCache cache;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition work = lock.newCondition();
  private final Deque<RunningRequest> queue = new ArrayDeque<>();
  private final List<RunningRequest> active = new ArrayList<>();
  private volatile boolean closing;
  private volatile long steps;
  private volatile long prefills;
  private volatile long tokens;
  private volatile long finished;
  private volatile int activeCount;
  private volatile long cacheBytes;

  BatchScheduler(InferenceModel model, AdapterRegistry adapters, EngineLimits limits) {
    this.model = model;
    this.adapters = adapters;
    this.limits = limits;
    this.context = model.architecture().config().maxPositionEmbeddings();
    this.vocabulary = model.architecture().config().vocabularySize();
    this.cache = new SlotKvCache(KvLayout.of(model.architecture().config()));
  }

  KvLayout layout() {
    return cache.layout();
  }

  /** Tokens a request reserves in its cache row. */
  int reservedTokens(GenerationRequest r) {
    return Math.min(context, r.promptTokens().length + r.maxNewTokens());
  }

  /** The cache row capacity that holds {@code tokens}. */
  int roundedCapacity(int tokens) {
    int rounded = (tokens + CAPACITY_STEP - 1) / CAPACITY_STEP * CAPACITY_STEP;
    return Math.max(tokens, Math.min(rounded, context));
  }

  /** Queues a request, or throws when the queue is full or the engine is closing. */
  void enqueue(RunningRequest r) {
    lock.lock();
    try {
      if (closing) {
        throw new IllegalStateException("the engine is closed");
      }
      // Waiting requests are capped; requests about to take a free row do not count.
      int freeRows = Math.max(0, limits.maxBatchSize() - activeCount);
      if (queue.size() >= limits.maxQueuedRequests() + freeRows) {
        throw new QueueFullException(
            "the engine's queue already holds "
                + queue.size()
                + " requests (max_queued_requests = "
                + limits.maxQueuedRequests()
                + "); retry later");
      }
      queue.add(r);
      work.signal();
    } finally {
      lock.unlock();
    }
  }

  void wake() {
    lock.lock();
    try {
      work.signal();
    } finally {
      lock.unlock();
    }
  }

  /** Stops the loop; running and queued requests end as CANCELLED. */
  void close() {
    lock.lock();
    try {
      closing = true;
      work.signal();
    } finally {
      lock.unlock();
    }
  }

  int queued() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  int activeCount() {
    return activeCount;
  }

  long steps() {
    return steps;
  }

  long prefills() {
    return prefills;
  }

  long tokens() {
    return tokens;
  }

  long finished() {
    return finished;
  }

  long cacheBytes() {
    return cacheBytes;
  }

  @Override
  public void run() {
    try {
      while (true) {
        lock.lock();
        try {
          if (!closing && active.isEmpty() && queue.isEmpty() && cache.rows() > 0) {
            cache.release(); // idle: give the memory back
            cacheBytes = 0;
          }
          while (!closing && active.isEmpty() && queue.isEmpty()) {
            work.awaitUninterruptibly();
          }
        } finally {
          lock.unlock();
        }
        if (closing) {
          break;
        }
        retireCancelled();
        admit();
        if (!active.isEmpty()) {
          step();
        }
      }
    } catch (RuntimeException | Error e) {
      failAll("the engine's scheduler failed: " + e);
      throw e;
    }
    endAll(FinishReason.CANCELLED, "the engine is shutting down");
  }

  private void retireCancelled() {
    for (RunningRequest r : active) {
      if (r.finish == null && r.handle.cancelRequested()) {
        r.finish = FinishReason.CANCELLED;
      }
    }
    retireFinished();
  }

  /** Admits queued requests while a row and cache room are free. */
  private void admit() {
    while (active.size() < limits.maxBatchSize()) {
      RunningRequest r;
      lock.lock();
      try {
        r = queue.peek();
        if (r == null) {
          return;
        }
        if (r.handle.cancelRequested()) {
          queue.poll();
          end(r, FinishReason.CANCELLED, null);
          continue;
        }
        int capacity = Math.max(cache.capacity(), roundedCapacity(reservedTokens(r.request)));
        int rows = active.size() + 1;
        int grownRows =
            Math.max(
                cache.rows(),
                Math.min(limits.maxBatchSize(), Integer.highestOneBit(rows - 1) << 1));
        grownRows = Math.max(grownRows, rows);
        if (SlotKvCache.bytesFor(cache.layout(), grownRows, capacity) > limits.maxKvCacheBytes()) {
          grownRows = Math.max(cache.rows(), rows);
        }
        if (SlotKvCache.bytesFor(cache.layout(), grownRows, capacity) > limits.maxKvCacheBytes()) {
          if (active.isEmpty()) {
            // Nothing will retire to make room: with the cache released it must fit alone.
            cache.release();
            capacity = roundedCapacity(reservedTokens(r.request));
            grownRows = 1;
          } else {
            return; // wait for rows to retire
          }
        }
        queue.poll();
        cache.reserve(grownRows, capacity, active.size());
        cacheBytes = cache.allocatedBytes();
      } finally {
        lock.unlock();
      }
      prefill(r);
    }
  }

  private void prefill(RunningRequest r) {
    int row = active.size();
    try {
      if (r.request.adapterId() != null) {
        r.lease = adapters.acquire(r.request.adapterId());
      }
      SlotStacks stacks = adapters.stacks();
      KvDecoder decoder = model.decoder(stacks);
      long[] prompt = new long[r.request.promptTokens().length];
      for (int i = 0; i < prompt.length; i++) {
        prompt[i] = r.request.promptTokens()[i];
      }
      float[] logits =
          decoder.prefill(cache, row, prompt, r.adapterSlot(), model.loraInputs(stacks));
      prefills++;
      int token = r.sampler().choose(FloatBuffer.wrap(logits), 0, vocabulary);
      tokens++;
      r.accept(token);
    } catch (Exception e) {
      cache.setLength(row, 0);
      end(r, FinishReason.ERROR, messageOf(e));
      return;
    }
    if (r.finish != null) {
      cache.setLength(row, 0);
      end(r, r.finish, r.error);
    } else {
      active.add(r);
      activeCount = active.size();
    }
  }

  /** One new token for every active row. */
  private void step() {
    int n = active.size();
    long[] next = new long[n];
    int[] slots = new int[n];
    for (int i = 0; i < n; i++) {
      next[i] = active.get(i).lastToken();
      slots[i] = active.get(i).adapterSlot();
    }
    FloatBuffer logits;
    try {
      SlotStacks stacks = adapters.stacks();
      KvDecoder decoder = model.decoder(stacks);
      logits = decoder.decode(cache, n, next, slots, model.loraInputs(stacks));
    } catch (RuntimeException e) {
      String message = messageOf(e);
      for (RunningRequest r : active) {
        r.finish = FinishReason.ERROR;
        r.error = message;
      }
      retireFinished();
      return;
    }
    steps++;
    for (int i = 0; i < n; i++) {
      RunningRequest r = active.get(i);
      int token = r.sampler().choose(logits, i * vocabulary, vocabulary);
      tokens++;
      r.accept(token);
      if (r.finish == null && r.handle.cancelRequested()) {
        r.finish = FinishReason.CANCELLED;
      }
    }
    retireFinished();
  }

  /** Ends finished rows; the last row moves into each freed row so rows stay 0..n−1. */
  private void retireFinished() {
    int i = 0;
    while (i < active.size()) {
      RunningRequest r = active.get(i);
      if (r.finish == null) {
        i++;
        continue;
      }
      int last = active.size() - 1;
      if (i != last) {
        cache.moveRow(last, i);
        active.set(i, active.remove(last));
      } else {
        active.remove(last);
        cache.setLength(last, 0);
      }
      activeCount = active.size(); // before the result is published: callers may read stats
      end(r, r.finish, r.error);
    }
    activeCount = active.size();
  }

  private void end(RunningRequest r, FinishReason reason, String message) {
    if (r.lease != null) {
      r.lease.close();
      r.lease = null;
    }
    GenerationResult result = r.result(reason, message);
    finished++;
    r.handle.complete(result);
    try {
      r.listener.onFinish(result);
    } catch (RuntimeException e) {
      // The request is over either way; a failing listener must not stop the others.
    }
  }

  private void endAll(FinishReason reason, String message) {
    List<RunningRequest> all = new ArrayList<>(active);
    active.clear();
    activeCount = 0;
    lock.lock();
    try {
      all.addAll(queue);
      queue.clear();
    } finally {
      lock.unlock();
    }
    for (RunningRequest r : all) {
      end(r, reason, message);
    }
  }

  private void failAll(String message) {
    endAll(FinishReason.ERROR, message);
  }

  static String messageOf(Exception e) {
    return e.getMessage() != null ? e.getMessage() : e.toString();
  }
}
