package dev.armory.engine.peft;

import dev.armory.engine.hf.ModelType;
import java.util.List;

/** PEFT's per-model-type defaults, used when an adapter_config.json leaves target_modules unset. */
final class PeftDefaults {
  private PeftDefaults() {}

  /** PEFT's LoRA default targets (utils/constants.py); note they differ from Armory's own. */
  static List<String> loraTargets(ModelType type) {
    return type == ModelType.GPT2 ? List.of("c_attn") : List.of("q_proj", "v_proj");
  }
}
