package dev.armory.engine.generate.kv;

/** Input and output names of the KV-cache graphs. */
public final class KvNames {
  private KvNames() {}

  /** [B, T] int64 token ids of the new tokens. */
  public static final String INPUT_IDS = "input_ids";

  /** [B, T] int64 positions of the new tokens. */
  public static final String POSITION_IDS = "position_ids";

  /** Standard attention: [B, P + T] int64, 1 for cache entries and new tokens to attend to. */
  public static final String ATTENTION_MASK = "attention_mask";

  /** GroupQueryAttention: [B] int32, each row's total length (cache + new) minus 1. */
  public static final String SEQLENS_K = "seqlens_k";

  /** GroupQueryAttention: int32 scalar, the longest row's total length. */
  public static final String TOTAL_SEQUENCE_LENGTH = "total_sequence_length";

  /** [B] int64: each row's LoRA slot (0 = no adapter). */
  public static final String ADAPTER_INDEX = "adapter_index";

  /** [B, V] logits of each row's last new token ([B, T, V] for all-position graphs). */
  public static final String LOGITS = "logits";

  /** [B, G, P, D] cached keys of a layer. */
  public static String pastKey(int layer) {
    return "past_key_values." + layer + ".key";
  }

  public static String pastValue(int layer) {
    return "past_key_values." + layer + ".value";
  }

  /** [B, G, P + T, D] keys after this step (GroupQueryAttention: the past buffer, updated). */
  public static String presentKey(int layer) {
    return "present." + layer + ".key";
  }

  public static String presentValue(int layer) {
    return "present." + layer + ".value";
  }

  /** [slots, r, in] stacked LoRA A factors of a module. */
  public static String loraA(String module) {
    return "lora." + module + ".A";
  }

  /** [slots, out, r] stacked LoRA B factors of a module, scale folded in. */
  public static String loraB(String module) {
    return "lora." + module + ".B";
  }
}
