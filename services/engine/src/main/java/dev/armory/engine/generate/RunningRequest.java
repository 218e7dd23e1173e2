package dev.armory.engine.generate;

import dev.armory.engine.generate.adapters.AdapterLease;
import dev.armory.engine.tokenizer.IncrementalDecoder;
import java.util.Arrays;
import java.util.Set;

/**
 * A request from admission to its end: its sampler, streamed text (incremental decoding through the
 * stop-string filter), the tokens so far, and its adapter lease.
 */
final class RunningRequest {
  final GenerationHandle handle;
  final GenerationRequest request;
  final GenerationListener listener;
  final long submittedNanos;
  final long seed;
  final int tokenLimit; // new tokens allowed: max_new_tokens, or what the context leaves
  private final TokenSampler sampler;
  private final StopStrings stops;
  private final IncrementalDecoder decoder; // null without a tokenizer
  private final Set<Integer> stopTokenIds;
  private final StringBuilder text = new StringBuilder();
  private int[] tokens = new int[16];
  private int count;
  private long firstTokenNanos = -1;
  AdapterLease lease;
  FinishReason finish;
  String error;

  RunningRequest(
      GenerationHandle handle,
      GenerationRequest request,
      GenerationListener listener,
      long submittedNanos,
      long seed,
      int tokenLimit,
      IncrementalDecoder decoder,
      Set<Integer> stopTokenIds) {
    this.handle = handle;
    this.request = request;
    this.listener = listener;
    this.submittedNanos = submittedNanos;
    this.seed = seed;
    this.tokenLimit = tokenLimit;
    this.sampler = new TokenSampler(request.sampling(), seed, request.promptTokens());
    this.stops = new StopStrings(request.stopStrings());
    this.decoder = decoder;
    this.stopTokenIds = stopTokenIds;
  }

  int adapterSlot() {
    return lease == null ? 0 : lease.slot();
  }

  int lastToken() {
    return tokens[count - 1];
  }

  int generated() {
    return count;
  }

  TokenSampler sampler() {
    return sampler;
  }

  /**
   * Takes the next token: streams its text and decides whether the request ends here (then {@link
   * #finish} is set). A listener that throws cancels the request.
   */
  void accept(int token) {
    if (count == tokens.length) {
      tokens = Arrays.copyOf(tokens, 2 * count);
    }
    tokens[count++] = token;
    sampler.accept(token);
    if (firstTokenNanos < 0) {
      firstTokenNanos = System.nanoTime();
    }
    String out;
    if (stopTokenIds.contains(token)) {
      out = flush();
      finish = FinishReason.STOP;
    } else {
      out = decoder == null ? "" : stops.push(decoder.next(ids()));
      if (stops.matched()) {
        finish = FinishReason.STOP;
      } else if (count >= tokenLimit) {
        out += flush();
        finish = stops.matched() ? FinishReason.STOP : FinishReason.LENGTH;
      }
    }
    text.append(out);
    try {
      listener.onToken(new TokenDelta(handle.requestId(), token, out, count - 1));
    } catch (RuntimeException e) {
      if (finish == null) {
        finish = FinishReason.CANCELLED;
        error = "the listener failed: " + e;
      }
    }
  }

  /** Releases text held back for an incomplete character or a possible stop string. */
  private String flush() {
    if (decoder == null) {
      return "";
    }
    String tail = stops.push(decoder.finish(ids()));
    return stops.matched() ? tail : tail + stops.finish();
  }

  private int[] ids() {
    return Arrays.copyOf(tokens, count);
  }

  /** The result for an end with {@code reason} (the request's own finish when null). */
  GenerationResult result(FinishReason reason, String message) {
    long now = System.nanoTime();
    return new GenerationResult(
        handle.requestId(),
        ids(),
        text.toString(),
        reason,
        request.promptTokens().length,
        count,
        message,
        seed,
        firstTokenNanos < 0 ? -1 : firstTokenNanos - submittedNanos,
        now - submittedNanos);
  }
}
