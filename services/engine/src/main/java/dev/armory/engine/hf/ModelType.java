package dev.armory.engine.hf;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The {@code model_type} values Armory supports, with the causal-LM class each one loads as. */
public enum ModelType {
  LLAMA("llama", "LlamaForCausalLM"),
  MISTRAL("mistral", "MistralForCausalLM"),
  QWEN2("qwen2", "Qwen2ForCausalLM"),
  GPT2("gpt2", "GPT2LMHeadModel");

  private final String hfName;
  private final String causalLmClass;

  ModelType(String hfName, String causalLmClass) {
    this.hfName = hfName;
    this.causalLmClass = causalLmClass;
  }

  /** The {@code model_type} string in config.json, e.g. {@code qwen2}. */
  public String hfName() {
    return hfName;
  }

  /** The transformers class name, e.g. {@code Qwen2ForCausalLM}. */
  public String causalLmClass() {
    return causalLmClass;
  }

  /** The class-name prefix transformers uses for this type's modules, e.g. {@code Qwen2}. */
  public String classPrefix() {
    return causalLmClass.replace("ForCausalLM", "").replace("LMHeadModel", "");
  }

  /** True for llama, mistral and qwen2, which share one architecture. */
  public boolean isLlamaFamily() {
    return this != GPT2;
  }

  /** The type spelled {@code name} in config.json, or null. */
  public static ModelType fromHfName(String name) {
    for (ModelType t : values()) {
      if (t.hfName.equals(name)) {
        return t;
      }
    }
    return null;
  }

  /** The supported names, e.g. "llama, mistral, qwen2, gpt2". */
  public static String supported() {
    return Arrays.stream(values()).map(ModelType::hfName).collect(Collectors.joining(", "));
  }

  @Override
  public String toString() {
    return hfName;
  }
}
