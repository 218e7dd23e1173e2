package dev.armory.engine.generate;

import dev.armory.engine.generate.adapters.AdapterRegistry;
import dev.armory.engine.hf.ModelConfig;
import dev.armory.engine.tokenizer.HfTokenizer;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;

/**
 * What a serving front end (the gRPC service, the judge) needs from an engine: submit requests with
 * streaming output and cancellation, encode text, read limits and counters. {@link DecodeEngine}
 * serves a Hugging Face directory with a KV cache, batching and adapters; {@link SequentialEngine}
 * serves a model that decodes one sequence at a time, such as an ONNX export.
 */
public interface ServingEngine extends AutoCloseable {
  /** The served model's config.json. */
  ModelConfig modelConfig();

  /** The caps requests must respect. */
  EngineLimits limits();

  /** How the weights are held, e.g. fp32, nf4, int4, fp16. */
  String weightsLabel();

  /** The model's tokenizer, or null when the directory has no tokenizer.json. */
  HfTokenizer tokenizer();

  /** Token ids that end a generation (the model's EOS ids). */
  Set<Integer> stopTokenIds();

  /** Prompt token ids for {@code text} (BOS and the like added as the tokenizer config says). */
  int[] encode(String text, boolean addSpecialTokens);

  /** The adapters requests may name; empty when this engine applies none. */
  Optional<AdapterRegistry> adapterRegistry();

  /**
   * Validates and queues a request; output goes to {@code listener} on the engine's thread.
   *
   * @throws InvalidRequestException when the request breaks a limit (the message names it)
   * @throws dev.armory.engine.generate.adapters.UnknownAdapterException when its adapter is unknown
   * @throws QueueFullException when too many requests are waiting
   * @throws IllegalStateException when the engine is closed
   */
  GenerationHandle submit(GenerationRequest request, GenerationListener listener);

  /** Runs {@code request} to its end and returns the result (blocking the caller). */
  default GenerationResult generate(GenerationRequest request) {
    return submit(request, null).result().join();
  }

  /** A snapshot of queue, batch and counters. */
  EngineStats stats();

  /** Cancels queued and running requests (they end CANCELLED) and frees the model. */
  @Override
  void close() throws IOException;
}
