package dev.armory.engine.models;

import dev.armory.engine.hf.LlamaConfig;
import java.util.Arrays;

/** A plain-Java forward pass of a causal LM, in double precision, for checking the graphs. */
interface ReferenceModel {
  /**
   * Logits of a batch, with the forward graph's input convention.
   *
   * @param ids [B*T] token ids
   * @param mask [B*T] 1 for tokens, 0 for padding
   * @param positions [B*T] position ids (see {@link Positions#fromMask})
   * @return [B][T][V]
   */
  double[][][] logits(long[] ids, long[] mask, long[] positions, int batch, int seq);

  /** The reference for {@code checkpoint}'s architecture. */
  static ReferenceModel of(CheckpointBinding checkpoint) {
    return checkpoint.architecture().config() instanceof LlamaConfig
        ? new LlamaReference(checkpoint)
        : new Gpt2Reference(checkpoint);
  }

  /**
   * Greedy decoding by repeated full forward over the whole prefix: appends the argmax of the last
   * position {@code newTokens} times (no stop tokens; the check wants a fixed length).
   *
   * @return the new tokens only
   */
  default long[] greedy(long[] prompt, int newTokens) {
    long[] seq = Arrays.copyOf(prompt, prompt.length + newTokens);
    for (int n = prompt.length; n < seq.length; n++) {
      long[] ids = Arrays.copyOf(seq, n);
      long[] mask = new long[n];
      Arrays.fill(mask, 1);
      double[][][] logits = logits(ids, mask, Positions.fromMask(mask, 1, n), 1, n);
      seq[n] = ReferenceLayers.argmax(logits[0][n - 1]);
    }
    return Arrays.copyOfRange(seq, prompt.length, seq.length);
  }
}
