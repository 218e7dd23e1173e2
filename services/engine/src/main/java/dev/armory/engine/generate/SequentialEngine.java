package dev.armory.engine.generate;

import dev.armory.engine.generate.adapters.AdapterRegistry;
import dev.armory.engine.generate.adapters.AdapterStats;
import dev.armory.engine.generate.adapters.UnknownAdapterException;
import dev.armory.engine.hf.ModelConfig;
import dev.armory.engine.tokenizer.HfTokenizer;
import java.nio.FloatBuffer;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serves a {@link SequenceDecoder}: requests queue and run one after another on the engine's
 * thread, with the same sampling, stop tokens and strings, streaming, cancellation, limits and
 * results as {@link DecodeEngine}, but no batching and no adapters. For models whose graph is fixed
 * (an ONNX export, adapters merged in). Thread-safe.
 */
public final class SequentialEngine implements ServingEngine {
  private final SequenceDecoder decoder;
  private final ModelConfig modelConfig;
  private final HfTokenizer tokenizer;
  private final Set<Integer> stopTokenIds;
  private final EngineLimits limits;
  private final String weightsLabel;
  private final String description;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition work = lock.newCondition();
  private final Deque<RunningRequest> queue = new ArrayDeque<>();
  private final Thread thread;
  private final AtomicLong ids = new AtomicLong();
  private final SecureRandom seeds = new SecureRandom();
  private volatile boolean closing;
  private volatile RunningRequest running;
  private volatile long steps;
  private volatile long prefills;
  private volatile long tokens;
  private volatile long finished;

  /**
   * Starts serving {@code decoder}.
   *
   * @param modelConfig the model's config.json (context length, vocabulary)
   * @param tokenizer its tokenizer (owned by the engine from now on), or null for token-id prompts
   * @param stopTokenIds token ids that end a generation
   * @param limits request and queue caps (batch size and KV-cache bytes do not apply)
   * @param weightsLabel how the weights are held (e.g. fp16)
   * @param description names the model in errors (e.g. its directory)
   */
  public SequentialEngine(
      SequenceDecoder decoder,
      ModelConfig modelConfig,
      HfTokenizer tokenizer,
      Set<Integer> stopTokenIds,
      EngineLimits limits,
      String weightsLabel,
      String description) {
    this.decoder = decoder;
    this.modelConfig = modelConfig;
    this.tokenizer = tokenizer;
    this.stopTokenIds = Set.copyOf(stopTokenIds);
    this.limits = limits;
    this.weightsLabel = weightsLabel;
    this.description = description;
    this.thread = new Thread(this::loop, "armory-sequential-decode");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public ModelConfig modelConfig() {
    return modelConfig;
  }

  @Override
  public EngineLimits limits() {
    return limits;
  }

  @Override
  public String weightsLabel() {
    return weightsLabel;
  }

  @Override
  public HfTokenizer tokenizer() {
    return tokenizer;
  }

  @Override
  public Set<Integer> stopTokenIds() {
    return stopTokenIds;
  }

  @Override
  public int[] encode(String text, boolean addSpecialTokens) {
    if (tokenizer == null) {
      throw new IllegalStateException(description + " has no tokenizer.json: pass token ids");
    }
    return tokenizer.encode(text, addSpecialTokens);
  }

  @Override
  public Optional<AdapterRegistry> adapterRegistry() {
    return Optional.empty();
  }

  @Override
  public GenerationHandle submit(GenerationRequest request, GenerationListener listener) {
    if (closing) {
      throw new IllegalStateException("the engine is closed");
    }
    RequestChecks.check(
        request,
        limits,
        modelConfig.maxPositionEmbeddings(),
        modelConfig.vocabularySize(),
        tokenizer != null,
        description);
    if (request.adapterId() != null) {
      throw new UnknownAdapterException(
          "no adapter is registered as '"
              + request.adapterId()
              + "': "
              + description
              + " is served without adapters (merge them before exporting)");
    }
    GenerationHandle handle = new GenerationHandle("gen-" + ids.incrementAndGet(), this::wake);
    Long seed = request.sampling().seed();
    int limit =
        Math.min(
            request.maxNewTokens(),
            modelConfig.maxPositionEmbeddings() - request.promptTokens().length);
    RunningRequest r =
        new RunningRequest(
            handle,
            request,
            listener == null ? GenerationListener.none() : listener,
            System.nanoTime(),
            seed != null ? seed : seeds.nextLong(),
            limit,
            tokenizer == null ? null : tokenizer.incrementalDecoder(true),
            stopTokenIds);
    lock.lock();
    try {
      if (closing) {
        throw new IllegalStateException("the engine is closed");
      }
      // As in DecodeEngine: a request about to take the free row does not count as waiting.
      int freeRows = running == null ? 1 : 0;
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
    return handle;
  }

  private void wake() {
    lock.lock();
    try {
      work.signal();
    } finally {
      lock.unlock();
    }
  }

  private void loop() {
    while (true) {
      RunningRequest r;
      lock.lock();
      try {
        while (!closing && queue.isEmpty()) {
          work.awaitUninterruptibly();
        }
        if (closing) {
          break;
        }
        r = queue.poll();
        running = r;
      } finally {
        lock.unlock();
      }
      run(r);
      running = null;
    }
    List<RunningRequest> left = new ArrayList<>();
    lock.lock();
    try {
      left.addAll(queue);
      queue.clear();
    } finally {
      lock.unlock();
    }
    for (RunningRequest r : left) {
      end(r, FinishReason.CANCELLED, "the engine is shutting down");
    }
  }

  /** Decodes one request to its end: cancellation is checked before every step. */
  private void run(RunningRequest r) {
    int vocabulary = decoder.vocabularySize();
    try {
      if (r.handle.cancelRequested() || closing) {
        end(r, FinishReason.CANCELLED, null);
        return;
      }
      long[] prompt = new long[r.request.promptTokens().length];
      for (int i = 0; i < prompt.length; i++) {
        prompt[i] = r.request.promptTokens()[i];
      }
      float[] logits = decoder.prefill(prompt);
      prefills++;
      while (true) {
        int token = r.sampler().choose(FloatBuffer.wrap(logits), 0, vocabulary);
        tokens++;
        r.accept(token);
        if (r.finish != null) {
          break;
        }
        if (r.handle.cancelRequested() || closing) {
          r.finish = FinishReason.CANCELLED;
          break;
        }
        logits = decoder.next(token);
        steps++;
      }
      end(r, r.finish, r.error);
    } catch (RuntimeException e) {
      end(r, FinishReason.ERROR, BatchScheduler.messageOf(e));
    }
  }

  private void end(RunningRequest r, FinishReason reason, String message) {
    GenerationResult result = r.result(reason, message);
    finished++;
    r.handle.complete(result);
    try {
      r.listener.onFinish(result);
    } catch (RuntimeException e) {
      // The request is over either way; a failing listener must not stop the engine.
    }
  }

  @Override
  public EngineStats stats() {
    int queued;
    lock.lock();
    try {
      queued = queue.size();
    } finally {
      lock.unlock();
    }
    return new EngineStats(
        queued,
        running == null ? 0 : 1,
        0,
        limits.maxKvCacheBytes(),
        steps,
        prefills,
        tokens,
        finished,
        1,
        new AdapterStats(0, 0, 0, 0, 0, 0, 0, 0, 0));
  }

  /**
   * Cancels queued and running requests (they end CANCELLED), stops the thread, frees the model.
   */
  @Override
  public void close() {
    lock.lock();
    try {
      if (closing) {
        return;
      }
      closing = true;
      work.signal();
    } finally {
      lock.unlock();
    }
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    decoder.close();
    if (tokenizer != null) {
      tokenizer.close();
    }
  }
}
