package dev.armory.engine.models;

import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Value;

/**
 * How each named linear module turns x [.., in] into y [.., out]. The forward graphs call this for
 * every linear layer, so base-weight formats (fp32, NF4) and adapters (LoRA …) plug in by name.
 */
@FunctionalInterface
public interface LinearLayers {
  Value apply(GraphBuilder b, LinearModule module, Value x);
}
