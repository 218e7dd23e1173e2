package dev.armory.engine.tokenizer;

import java.util.Arrays;

/**
 * Turns the growing id list of a generation into text deltas for streaming.
 *
 * <p>Decoding one token alone is wrong twice over: a multi-byte character split across byte tokens
 * decodes to U+FFFD until its last byte arrives, and SentencePiece decoders strip the leading space
 * of the first token decoded. So each step decodes a short window that starts a few tokens back
 * (the prefix, already emitted) and emits what the window adds beyond the prefix's text, holding it
 * back while it ends in U+FFFD. Call {@link #next} after each generated token with all ids so far
 * (the prompt excluded), and {@link #finish} once at the end to flush whatever was held back.
 */
public final class IncrementalDecoder {
  private static final char REPLACEMENT = '\uFFFD';

  private final HfTokenizer tokenizer;
  private final boolean skipSpecialTokens;
  private int prefixOffset; // start of the context window, inside already emitted text
  private int readOffset; // ids before this have been emitted
  private int seen; // length of the id list at the previous call

  IncrementalDecoder(HfTokenizer tokenizer, boolean skipSpecialTokens) {
    this.tokenizer = tokenizer;
    this.skipSpecialTokens = skipSpecialTokens;
  }

  /**
   * The text that the ids added since the previous call complete, or "" while a character is still
   * incomplete. {@code ids} must extend the list passed before.
   */
  public String next(int[] ids) {
    if (ids.length < seen) {
      throw new IllegalArgumentException(
          "the id list shrank from "
              + seen
              + " to "
              + ids.length
              + "; pass the whole growing list");
    }
    seen = ids.length;
    String prefix = decode(ids, prefixOffset, readOffset);
    String text = decode(ids, prefixOffset, ids.length);
    if (text.length() > prefix.length() && text.charAt(text.length() - 1) != REPLACEMENT) {
      String delta = text.substring(prefix.length());
      prefixOffset = readOffset;
      readOffset = ids.length;
      return delta;
    }
    return "";
  }

  /** Everything not yet emitted, incomplete characters included (as U+FFFD). */
  public String finish(int[] ids) {
    seen = ids.length;
    String prefix = decode(ids, prefixOffset, readOffset);
    String text = decode(ids, prefixOffset, ids.length);
    prefixOffset = readOffset = ids.length;
    return text.length() > prefix.length() ? text.substring(prefix.length()) : "";
  }

  private String decode(int[] ids, int from, int to) {
    return from >= to ? "" : tokenizer.decode(Arrays.copyOfRange(ids, from, to), skipSpecialTokens);
  }
}
