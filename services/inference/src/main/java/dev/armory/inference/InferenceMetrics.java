package dev.armory.inference;

import dev.armory.engine.generate.EngineStats;
import dev.armory.engine.generate.GenerationResult;
import dev.armory.engine.generate.ServingEngine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The service's Micrometer meters, all named {@code armory.inference.*}: engine state read on
 * demand (queue depth, batch size, KV cache, adapter cache hits/misses/evictions), tokens generated
 * and a tokens/s gauge over the last {@value #WINDOW_SECONDS} seconds, and per-request counters and
 * timers tagged with the finish reason.
 */
@Singleton
public final class InferenceMetrics implements AutoCloseable {
  static final int WINDOW_SECONDS = 10;

  private final MeterRegistry registry;
  private final ServingEngine engine;
  private final ScheduledExecutorService sampler;
  // Tokens generated at each of the last WINDOW_SECONDS + 1 one-second samples (a ring).
  private final long[] samples = new long[WINDOW_SECONDS + 1];
  private int sampleCount;
  private volatile double tokensPerSecond;

  InferenceMetrics(MeterRegistry registry, ServingEngine engine) {
    this.registry = registry;
    this.engine = engine;
    gauge("armory.inference.queue.depth", "requests waiting for a batch row", EngineStats::queued);
    gauge("armory.inference.batch.size", "requests decoding together now", EngineStats::active);
    gauge("armory.inference.kv.cache.bytes", "KV cache allocation", EngineStats::kvCacheBytes);
    gauge(
        "armory.inference.adapters.loaded",
        "adapters resident in the adapter cache",
        s -> s.adapters().loaded());
    gauge(
        "armory.inference.adapters.registered",
        "adapters requests may name",
        s -> s.adapters().registered());
    gauge(
        "armory.inference.adapters.resident.bytes",
        "bytes of resident LoRA factors",
        s -> s.adapters().residentBytes());
    counter(
        "armory.inference.tokens.generated", "new tokens, all requests", s -> s.tokensGenerated());
    counter("armory.inference.decode.steps", "batched decoding steps", s -> s.steps());
    counter(
        "armory.inference.adapter.cache.hits",
        "requests whose adapter was resident",
        s -> s.adapters().hits());
    counter(
        "armory.inference.adapter.cache.misses",
        "requests whose adapter had to be loaded",
        s -> s.adapters().misses());
    counter(
        "armory.inference.adapter.cache.evictions",
        "adapters unloaded to make room",
        s -> s.adapters().evictions());
    Gauge.builder("armory.inference.tokens.per.second", this, m -> m.tokensPerSecond)
        .description("new tokens per second over the last " + WINDOW_SECONDS + " s")
        .register(registry);
    sampler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "armory-inference-metrics");
              t.setDaemon(true);
              return t;
            });
    sampler.scheduleAtFixedRate(this::sample, 0, 1, TimeUnit.SECONDS);
  }

  private void gauge(String name, String description, ToDoubleFunction<EngineStats> f) {
    Gauge.builder(name, engine, e -> f.applyAsDouble(e.stats()))
        .description(description)
        .register(registry);
  }

  private void counter(String name, String description, ToDoubleFunction<EngineStats> f) {
    FunctionCounter.builder(name, engine, e -> f.applyAsDouble(e.stats()))
        .description(description)
        .register(registry);
  }

  private synchronized void sample() {
    long tokens = engine.stats().tokensGenerated();
    samples[sampleCount % samples.length] = tokens;
    sampleCount++;
    int span = Math.min(sampleCount - 1, WINDOW_SECONDS);
    if (span > 0) {
      long then = samples[(sampleCount - 1 - span) % samples.length];
      tokensPerSecond = (tokens - then) / (double) span;
    }
  }

  /** Records one ended request. */
  void finished(GenerationResult result, String adapterId) {
    String reason = result.finishReason().name().toLowerCase(Locale.ROOT);
    Counter.builder("armory.inference.requests")
        .description("generations ended, by finish reason")
        .tag("finish_reason", reason)
        .tag("with_adapter", Boolean.toString(adapterId != null))
        .register(registry)
        .increment();
    DistributionSummary.builder("armory.inference.completion.tokens")
        .description("new tokens per request")
        .register(registry)
        .record(result.completionTokens());
    Timer.builder("armory.inference.request.duration")
        .description("from arrival to the end of a generation")
        .tag("finish_reason", reason)
        .register(registry)
        .record(Duration.ofNanos(result.totalNanos()));
    if (result.timeToFirstTokenNanos() >= 0) {
      Timer.builder("armory.inference.time.to.first.token")
          .description("from arrival to the first new token")
          .register(registry)
          .record(Duration.ofNanos(result.timeToFirstTokenNanos()));
    }
  }

  @PreDestroy
  @Override
  public void close() {
    sampler.shutdownNow();
  }
}
