package dev.armory.engine.generate.kv;

import dev.armory.engine.hf.Gpt2Config;
import dev.armory.engine.hf.LlamaConfig;
import dev.armory.engine.hf.ModelConfig;

/**
 * The attention geometry of a model as its KV cache sees it: L layers of G key/value heads of D
 * channels, H query heads, and each layer's sliding window (0 = none).
 *
 * @param windows per layer: the number of keys a query sees (itself included), 0 for all
 */
public record KvLayout(int layers, int heads, int kvHeads, int headSize, int[] windows) {
  /** The layout of {@code config}'s decoder. */
  public static KvLayout of(ModelConfig config) {
    if (config instanceof LlamaConfig c) {
      int[] windows = new int[c.numberOfLayers()];
      for (int i = 0; i < windows.length; i++) {
        Integer w = c.slidingWindowOfLayer(i);
        windows[i] = w == null ? 0 : w;
      }
      return new KvLayout(
          c.numberOfLayers(), c.numberOfHeads(), c.numberOfKeyValueHeads(), c.headSize(), windows);
    }
    Gpt2Config c = (Gpt2Config) config;
    return new KvLayout(
        c.numberOfLayers(),
        c.numberOfHeads(),
        c.numberOfHeads(),
        c.headSize(),
        new int[c.numberOfLayers()]);
  }

  /** Floats one token occupies in one layer's key (or value) cache: G·D. */
  public int floatsPerTokenPerLayer() {
    return kvHeads * headSize;
  }

  /** Bytes one token occupies across all layers' keys and values (float32). */
  public long bytesPerToken() {
    return 2L * layers * floatsPerTokenPerLayer() * Float.BYTES;
  }
}
