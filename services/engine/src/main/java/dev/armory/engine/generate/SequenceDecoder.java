package dev.armory.engine.generate;

/**
 * A model that decodes one sequence at a time with its own cache (an exported ONNX model, say):
 * {@link #prefill} starts a sequence, {@link #next} extends it. Used from one thread.
 */
public interface SequenceDecoder extends AutoCloseable {
  /** Starts a new sequence with {@code tokens}; returns the logits after the last one [V]. */
  float[] prefill(long[] tokens);

  /** Appends {@code token} to the sequence; returns the logits after it [V]. */
  float[] next(long token);

  int vocabularySize();

  @Override
  void close();
}
