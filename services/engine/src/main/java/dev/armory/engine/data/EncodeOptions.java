package dev.armory.engine.data;

/**
 * How records become token sequences.
 *
 * @param maxSeqLen longest sequence kept; longer examples are cut (keeping the start) and counted
 * @param trainOnInputs train on every token (prompts, user and system turns too), not only on
 *     assistant and completion tokens
 * @param skipBadLines skip records the chat template rejects, and report them, instead of failing
 */
public record EncodeOptions(int maxSeqLen, boolean trainOnInputs, boolean skipBadLines) {
  public EncodeOptions {
    if (maxSeqLen < 2) {
      throw new IllegalArgumentException(
          "max_seq_len must be at least 2 (a token and its successor), got " + maxSeqLen);
    }
  }

  /** Loss on assistant/completion tokens only, failing on records the template rejects. */
  public static EncodeOptions of(int maxSeqLen) {
    return new EncodeOptions(maxSeqLen, false, false);
  }

  public EncodeOptions withTrainOnInputs(boolean trainOnInputs) {
    return new EncodeOptions(maxSeqLen, trainOnInputs, skipBadLines);
  }

  public EncodeOptions withSkipBadLines(boolean skip) {
    return new EncodeOptions(maxSeqLen, trainOnInputs, skip);
  }
}
