package dev.armory.engine.models;

import dev.armory.engine.hf.LlamaConfig;
import dev.armory.engine.hf.RopeScaling;
import dev.armory.engine.nn.RotaryTables;

/** The rotary embedding tables a Llama-family config implies (rope_theta, rope_scaling). */
public final class LlamaRotary {
  private LlamaRotary() {}

  /** cos and sin tables [max_position_embeddings, head_dim] (rotate-half layout). */
  public static float[][] cosSin(LlamaConfig c) {
    return RotaryTables.cosSin(
        c.maxPositionEmbeddings(), c.headSize(), c.ropeTheta(), scaling(c.ropeScaling()));
  }

  /** The rotary scaling a config's rope_scaling describes, or null. */
  public static RotaryTables.Scaling scaling(RopeScaling r) {
    if (r == null) {
      return null;
    }
    return switch (r.kind()) {
      case LINEAR -> new RotaryTables.Scaling.Linear(r.factor());
      case LLAMA3 ->
          new RotaryTables.Scaling.Llama3(
              r.factor(),
              r.lowFrequencyFactor(),
              r.highFrequencyFactor(),
              r.originalMaxPositionEmbeddings());
    };
  }
}
