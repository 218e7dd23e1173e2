package dev.armory.engine.generate;

import dev.armory.engine.generate.adapters.AdapterRegistry;
import dev.armory.engine.generate.adapters.UnknownAdapterException;
import dev.armory.engine.generate.kv.SlotKvCache;
import dev.armory.engine.hf.GenerationConfig;
import dev.armory.engine.hf.HfModelDir;
import dev.armory.engine.hf.ModelConfig;
import dev.armory.engine.models.ModelArchitecture;
import dev.armory.engine.models.ModelCheckpointException;
import dev.armory.engine.tokenizer.HfTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Serves one base model: requests are queued, batched continuously by a scheduler thread and
 * decoded with a KV cache, each with its own sampling and optionally its own LoRA adapter (adapters
 * are applied per row, never merged). Output streams to a {@link GenerationListener} and ends in a
 * {@link GenerationResult}; a {@link GenerationHandle} cancels. Thread-safe.
 *
 * <p>Typical use: {@code DecodeEngine.open(dir, EngineConfig.defaults())}, {@code
 * engine.adapters().registerAll(adaptersDir)}, then {@code engine.submit(request, listener)} from
 * any thread; {@code close()} cancels what is still running.
 */
public final class DecodeEngine implements ServingEngine {
  private final HfModelDir model;
  private final HfTokenizer tokenizer;
  private final EngineConfig config;
  private final ModelConfig modelConfig;
  private final AdapterRegistry adapters;
  private final InferenceModel inference;
  private final BatchScheduler scheduler;
  private final Thread thread;
  private final Set<Integer> stopTokenIds;
  private final AtomicLong ids = new AtomicLong();
  private final SecureRandom seeds = new SecureRandom();
  private volatile boolean closed;

  private DecodeEngine(HfModelDir model, HfTokenizer tokenizer, EngineConfig config)
      throws ModelCheckpointException {
    this.model = model;
    this.tokenizer = tokenizer;
    this.config = config;
    this.modelConfig = model.config();
    ModelArchitecture arch = ModelArchitecture.of(modelConfig);
    this.adapters = new AdapterRegistry(arch, config.adapterBudgetBytes());
    this.inference =
        new InferenceModel(
            arch.bind(model.weights()), config.weights(), config.graph(), config.session());
    this.scheduler = new BatchScheduler(inference, adapters, config.limits());
    this.stopTokenIds = stopTokenIds(model, tokenizer);
    // Build the base session now, so the first request does not pay for it.
    inference.decoder(adapters.stacks());
    this.thread = new Thread(scheduler, "armory-decode");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Opens the Hugging Face model directory {@code modelDir} (config, safetensors weights and, when
   * present, tokenizer.json) and starts the engine.
   */
  public static DecodeEngine open(Path modelDir, EngineConfig config) throws IOException {
    HfModelDir model = HfModelDir.open(modelDir);
    try {
      HfTokenizer tokenizer = model.tokenizerJson().isPresent() ? HfTokenizer.load(modelDir) : null;
      return new DecodeEngine(model, tokenizer, config);
    } catch (IOException | RuntimeException e) {
      model.close();
      throw e;
    }
  }

  private static Set<Integer> stopTokenIds(HfModelDir model, HfTokenizer tokenizer) {
    Set<Integer> ids = new LinkedHashSet<>(model.config().eosTokenIds());
    model.generationConfig().map(GenerationConfig::eosTokenIds).ifPresent(ids::addAll);
    if (tokenizer != null) {
      tokenizer.eosId().ifPresent(ids::add);
    }
    return Set.copyOf(ids);
  }

  @Override
  public ModelConfig modelConfig() {
    return modelConfig;
  }

  public EngineConfig config() {
    return config;
  }

  @Override
  public EngineLimits limits() {
    return config.limits();
  }

  /** fp32, nf4 or int4: the base weights' format. */
  @Override
  public String weightsLabel() {
    return config.weights().name().toLowerCase(Locale.ROOT);
  }

  @Override
  public Optional<AdapterRegistry> adapterRegistry() {
    return Optional.of(adapters);
  }

  /** The model's tokenizer, or null when the directory has no tokenizer.json. */
  @Override
  public HfTokenizer tokenizer() {
    return tokenizer;
  }

  /** Token ids that end a generation (the model's EOS ids). */
  @Override
  public Set<Integer> stopTokenIds() {
    return stopTokenIds;
  }

  /** Prompt token ids for {@code text} (BOS and the like added as the tokenizer config says). */
  @Override
  public int[] encode(String text, boolean addSpecialTokens) {
    if (tokenizer == null) {
      throw new IllegalStateException(model.directory() + " has no tokenizer.json: pass token ids");
    }
    return tokenizer.encode(text, addSpecialTokens);
  }

  /** The adapters this engine can apply per request. */
  public AdapterRegistry adapters() {
    return adapters;
  }

  /**
   * Validates and queues a request. Output goes to {@code listener} on the scheduler thread.
   *
   * @throws InvalidRequestException when the request breaks a limit (the message names it)
   * @throws UnknownAdapterException when its adapter is not registered
   * @throws QueueFullException when too many requests are waiting
   * @throws IllegalStateException when the engine is closed
   */
  @Override
  public GenerationHandle submit(GenerationRequest request, GenerationListener listener) {
    if (closed) {
      throw new IllegalStateException("the engine is closed");
    }
    validate(request);
    String id = "gen-" + ids.incrementAndGet();
    GenerationHandle handle = new GenerationHandle(id, scheduler::wake);
    Long seed = request.sampling().seed();
    int limit =
        Math.min(
            request.maxNewTokens(),
            modelConfig.maxPositionEmbeddings() - request.promptTokens().length);
    RunningRequest running =
        new RunningRequest(
            handle,
            request,
            listener == null ? GenerationListener.none() : listener,
            System.nanoTime(),
            seed != null ? seed : seeds.nextLong(),
            limit,
            tokenizer == null ? null : tokenizer.incrementalDecoder(true),
            stopTokenIds);
    scheduler.enqueue(running);
    return handle;
  }

  /** Runs {@code request} to its end and returns the result (blocking the caller). */
  @Override
  public GenerationResult generate(GenerationRequest request) {
    return submit(request, null).result().join();
  }

  private void validate(GenerationRequest r) {
    EngineLimits limits = config.limits();
    RequestChecks.check(
        r,
        limits,
        modelConfig.maxPositionEmbeddings(),
        modelConfig.vocabularySize(),
        tokenizer != null,
        model.directory().toString());
    if (r.adapterId() != null && !adapters.isRegistered(r.adapterId())) {
      throw new UnknownAdapterException("no adapter is registered as '" + r.adapterId() + "'");
    }
    long bytes =
        SlotKvCache.bytesFor(
            scheduler.layout(), 1, scheduler.roundedCapacity(scheduler.reservedTokens(r)));
    if (bytes > limits.maxKvCacheBytes()) {
      throw new InvalidRequestException(
          "the request needs "
              + bytes
              + " bytes of KV cache (prompt + max_tokens = "
              + scheduler.reservedTokens(r)
              + " tokens); the limit is "
              + limits.maxKvCacheBytes()
              + " bytes: lower max_tokens");
    }
  }

  @Override
  public EngineStats stats() {
    return new EngineStats(
        scheduler.queued(),
        scheduler.activeCount(),
        scheduler.cacheBytes(),
        config.limits().maxKvCacheBytes(),
        scheduler.steps(),
        scheduler.prefills(),
        scheduler.tokens(),
        scheduler.finished(),
        inference.builds(),
        adapters.stats());
  }

  /**
   * Cancels queued and running requests (they end CANCELLED), stops the scheduler, frees memory.
   */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    scheduler.close();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    inference.close();
    if (tokenizer != null) {
      tokenizer.close();
    }
    model.close();
  }
}
