package dev.armory.engine.models;

/**
 * A linear layer an adapter can wrap, named as PyTorch's {@code named_modules()} names it inside
 * the causal-LM model (the names PEFT's {@code target_modules} are matched against).
 *
 * @param name full dotted name, e.g. {@code model.layers.3.self_attn.q_proj}
 * @param shortName last segment, e.g. {@code q_proj} (GPT-2's attn and mlp both have {@code
 *     c_proj})
 * @param relativeName name inside its decoder block, e.g. {@code self_attn.q_proj}
 * @param layer index of the decoder block
 * @param layout how the weight is stored: Linear [out, in] or GPT-2's Conv1D [in, out]
 * @param weightName canonical checkpoint name of the weight
 * @param biasName canonical checkpoint name of the bias, or null
 * @param defaultLoraTarget true when Armory's default LoRA targets select this module
 */
public record LinearModule(
    String name,
    String shortName,
    String relativeName,
    int layer,
    ParameterKind kind,
    int inFeatures,
    int outFeatures,
    boolean bias,
    Layout layout,
    String weightName,
    String biasName,
    boolean defaultLoraTarget) {

  /** Weight storage order. */
  public enum Layout {
    /** {@code torch.nn.Linear}: weight [out, in], y = x·Wᵀ + b. */
    LINEAR,
    /** transformers' {@code Conv1D} (GPT-2): weight [in, out], y = x·W + b. */
    CONV1D
  }

  /** The stored weight shape. */
  public long[] weightShape() {
    return layout == Layout.LINEAR
        ? new long[] {outFeatures, inFeatures}
        : new long[] {inFeatures, outFeatures};
  }

  /**
   * True when a PEFT list entry selects this module: the entry equals the name or the name ends
   * with "." + entry.
   */
  public boolean matchesListEntry(String entry) {
    return name.equals(entry) || name.endsWith("." + entry);
  }
}
