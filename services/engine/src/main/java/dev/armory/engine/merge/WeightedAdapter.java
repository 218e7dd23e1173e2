package dev.armory.engine.merge;

import java.nio.file.Path;

/**
 * A PEFT LoRA adapter directory and the weight its delta gets in a merge.
 *
 * @param directory holds adapter_config.json and adapter_model.safetensors
 * @param weight wᵢ in Σ wᵢ·ΔWᵢ (1 merges the adapter as trained; 0 leaves it out)
 */
public record WeightedAdapter(Path directory, double weight) {
  public WeightedAdapter {
    if (directory == null) {
      throw new IllegalArgumentException("an adapter needs its directory");
    }
    if (!Double.isFinite(weight)) {
      throw new IllegalArgumentException(
          directory + ": adapter weight must be a finite number, was " + weight);
    }
  }

  /** The adapter at full weight. */
  public static WeightedAdapter of(Path directory) {
    return new WeightedAdapter(directory, 1.0);
  }
}
