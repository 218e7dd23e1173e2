package dev.armory.inference;

import dev.armory.engine.generate.GenerationHandle;
import dev.armory.engine.generate.GenerationListener;
import dev.armory.engine.generate.GenerationRequest;
import dev.armory.engine.generate.InvalidRequestException;
import dev.armory.engine.generate.SamplingParams;
import dev.armory.engine.generate.ServingEngine;
import dev.armory.engine.judge.llm.EnginePromptEncoder;
import dev.armory.engine.tokenizer.ChatMessage;
import dev.armory.proto.inference.v1.GenerateRequest;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns API requests into engine requests (prompt encoding, defaults, the model id) and submits
 * them, keeping track of what is in flight so shutdown can let it finish or cancel it.
 */
@Singleton
public final class GenerationService {
  private static final Logger LOG = LoggerFactory.getLogger(GenerationService.class);

  private final ServingEngine engine;
  private final InferenceConfig config;
  private final InferenceMetrics metrics;
  private final EnginePromptEncoder prompts;
  private final String modelId;
  private final Set<GenerationHandle> inFlight = ConcurrentHashMap.newKeySet();
  private volatile boolean draining;

  GenerationService(ServingEngine engine, InferenceConfig config, InferenceMetrics metrics) {
    this.engine = engine;
    this.config = config;
    this.metrics = metrics;
    this.prompts = new EnginePromptEncoder(engine);
    this.modelId = modelIdOf(config);
  }

  static String modelIdOf(InferenceConfig config) {
    if (config.modelId() != null && !config.modelId().isBlank()) {
      return config.modelId();
    }
    Path dir = config.requireModelDir().toAbsolutePath().normalize();
    return dir.getFileName() == null ? dir.toString() : dir.getFileName().toString();
  }

  /** The id requests may name. */
  public String modelId() {
    return modelId;
  }

  public ServingEngine engine() {
    return engine;
  }

  public boolean hasChatTemplate() {
    return prompts.hasChatTemplate();
  }

  /**
   * Validates {@code request}, queues it and returns its handle; output goes to {@code listener} on
   * the engine's thread.
   *
   * @throws InvalidRequestException for a missing prompt or a broken limit
   * @throws UnknownModelException when the request names another model
   * @throws ShuttingDownException while the server drains
   */
  public GenerationHandle submit(GenerateRequest request, GenerationListener listener) {
    if (draining) {
      throw new ShuttingDownException("the server is shutting down: retry on another replica");
    }
    GenerationRequest engineRequest = toEngineRequest(request);
    GenerationHandle handle = engine.submit(engineRequest, listener);
    inFlight.add(handle);
    String adapter = engineRequest.adapterId();
    // Added before the callback can run, so a request that ends at once is removed too.
    handle
        .result()
        .whenComplete(
            (result, failure) -> {
              inFlight.remove(handle);
              if (result != null) {
                metrics.finished(result, adapter);
              }
            });
    return handle;
  }

  GenerationRequest toEngineRequest(GenerateRequest r) {
    if (!r.getModel().isEmpty() && !r.getModel().equals(modelId)) {
      throw new UnknownModelException(
          "model '" + r.getModel() + "' is not served here; this server serves '" + modelId + "'");
    }
    int[] tokens = encodePrompt(r);
    int maxTokens = r.getMaxTokens() == 0 ? config.defaultMaxTokens() : r.getMaxTokens();
    String adapter = r.getAdapterId().isEmpty() ? null : r.getAdapterId();
    return new GenerationRequest(tokens, adapter, sampling(r), maxTokens, r.getStopList());
  }

  private int[] encodePrompt(GenerateRequest r) {
    switch (r.getPromptCase()) {
      case TEXT:
        if (r.getText().isEmpty()) {
          throw new InvalidRequestException("text is empty: give a prompt");
        }
        return prompts.raw(r.getText());
      case CHAT:
        if (r.getChat().getMessagesCount() == 0) {
          throw new InvalidRequestException("chat.messages is empty: give at least one message");
        }
        List<ChatMessage> messages = new ArrayList<>();
        for (var m : r.getChat().getMessagesList()) {
          if (m.getRole().isEmpty()) {
            throw new InvalidRequestException(
                "chat.messages["
                    + messages.size()
                    + "].role is empty: use system, user or assistant");
          }
          messages.add(new ChatMessage(m.getRole(), m.getContent()));
        }
        return prompts.chat(messages);
      default:
        throw new InvalidRequestException("the request has no prompt: set text or chat.messages");
    }
  }

  private static SamplingParams sampling(GenerateRequest r) {
    var s = r.getSampling();
    return new SamplingParams(
        s.hasTemperature() ? s.getTemperature() : 0,
        s.hasTopK() ? s.getTopK() : 0,
        s.hasTopP() ? s.getTopP() : 1,
        s.hasRepetitionPenalty() ? s.getRepetitionPenalty() : 1,
        s.hasSeed() ? s.getSeed() : null);
  }

  /** Generations queued or running now. */
  public int inFlight() {
    return inFlight.size();
  }

  public boolean draining() {
    return draining;
  }

  /**
   * Stops taking requests, lets running ones finish for up to {@code grace}, then cancels the rest
   * (their streams end with finish reason CANCELLED) and waits for them to end.
   */
  public void drain(Duration grace) {
    draining = true;
    List<GenerationHandle> running = List.copyOf(inFlight);
    if (running.isEmpty()) {
      return;
    }
    LOG.info("shutting down: {} generations in flight, waiting up to {}", running.size(), grace);
    if (!awaitAll(running, grace)) {
      List<GenerationHandle> left = List.copyOf(inFlight);
      LOG.info("cancelling {} generations still running after {}", left.size(), grace);
      left.forEach(GenerationHandle::cancel);
      awaitAll(left, Duration.ofSeconds(5));
    }
  }

  private static boolean awaitAll(List<GenerationHandle> handles, Duration timeout) {
    CompletableFuture<?>[] results =
        handles.stream().map(GenerationHandle::result).toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(results).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException e) {
      return true; // results never complete exceptionally; nothing left to wait for
    }
  }
}
