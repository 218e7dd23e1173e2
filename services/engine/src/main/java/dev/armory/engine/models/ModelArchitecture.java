package dev.armory.engine.models;

import dev.armory.engine.hf.Gpt2Config;
import dev.armory.engine.hf.LlamaConfig;
import dev.armory.engine.hf.ModelConfig;
import dev.armory.engine.hf.ModelType;
import dev.armory.engine.safetensors.WeightStore;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a config implies about a model's structure: the module tree PyTorch would build, every
 * parameter with its canonical checkpoint name and shape, and the linear layers adapters can target
 * (with Armory's default LoRA targets marked).
 */
public final class ModelArchitecture {
  private final ModelConfig config;
  private final ModuleNode root;
  private final List<ParameterSpec> parameters;
  private final List<LinearModule> linearModules;
  private final List<String> defaultLoraTargets;
  private final Pattern ignoredBuffers;
  private final String optionalPrefix;

  ModelArchitecture(
      ModelConfig config,
      ModuleNode root,
      List<ParameterSpec> parameters,
      List<LinearModule> linearModules,
      List<String> defaultLoraTargets,
      Pattern ignoredBuffers,
      String optionalPrefix) {
    this.config = config;
    this.root = root;
    this.parameters = List.copyOf(parameters);
    this.linearModules = List.copyOf(linearModules);
    this.defaultLoraTargets = List.copyOf(defaultLoraTargets);
    this.ignoredBuffers = ignoredBuffers;
    this.optionalPrefix = optionalPrefix;
  }

  /** The architecture {@code config} describes. */
  public static ModelArchitecture of(ModelConfig config) {
    if (config instanceof LlamaConfig llama) {
      return LlamaFamilyLayout.build(llama);
    }
    return Gpt2Layout.build((Gpt2Config) config);
  }

  /** The config this was derived from. */
  public ModelConfig config() {
    return config;
  }

  /** llama, mistral, qwen2 or gpt2. */
  public ModelType modelType() {
    return config.modelType();
  }

  /** The transformers class, e.g. {@code LlamaForCausalLM}. */
  public String className() {
    return config.modelType().causalLmClass();
  }

  /** The module tree, rooted at the causal-LM class. */
  public ModuleNode moduleTree() {
    return root;
  }

  /** Every parameter in state-dict order (a tied output head is not listed twice). */
  public List<ParameterSpec> parameters() {
    return parameters;
  }

  /** Total parameters the config implies. */
  public long parameterCount() {
    return parameters.stream().mapToLong(ParameterSpec::elementCount).sum();
  }

  /** Linear layers adapters can target, by layer then position in the block. */
  public List<LinearModule> linearModules() {
    return linearModules;
  }

  /** The linear module with full dotted name {@code name}, or null. */
  public LinearModule linearModule(String name) {
    for (LinearModule m : linearModules) {
      if (m.name().equals(name)) {
        return m;
      }
    }
    return null;
  }

  /**
   * Distinct short names of the targetable layers, e.g. q_proj … down_proj or c_attn, c_proj, c_fc.
   */
  public List<String> targetableNames() {
    Set<String> names = new LinkedHashSet<>();
    linearModules.forEach(m -> names.add(m.shortName()));
    return new ArrayList<>(names);
  }

  /**
   * Armory's default LoRA {@code target_modules}: the attention projections (q_proj, k_proj,
   * v_proj, o_proj; GPT-2: c_attn, c_proj).
   */
  public List<String> defaultLoraTargets() {
    return defaultLoraTargets;
  }

  /** True when a checkpoint tensor is a buffer this architecture ignores (not a parameter). */
  public boolean isIgnoredBuffer(String tensorName) {
    return ignoredBuffers.matcher(tensorName).matches();
  }

  /**
   * The prefix checkpoints may leave off parameter names (GPT-2's original files say {@code
   * h.0.attn.c_attn.weight} for {@code transformer.h.0.attn.c_attn.weight}); empty if none.
   */
  public String optionalPrefix() {
    return optionalPrefix;
  }

  /** Matches {@code store}'s tensors to this architecture's parameters, checking shapes. */
  public CheckpointBinding bind(WeightStore store) throws ModelCheckpointException {
    return CheckpointBinding.bind(this, store);
  }
}
