package dev.armory.engine.models;

import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Value;
import dev.armory.engine.nn.Linear;

/** Linear layers over the checkpoint's own weights: y = x·Wᵀ + b (x·W + b for GPT-2's Conv1D). */
public final class DenseLinears implements LinearLayers {
  private final ModelParameters parameters;

  public DenseLinears(ModelParameters parameters) {
    this.parameters = parameters;
  }

  @Override
  public Value apply(GraphBuilder b, LinearModule module, Value x) {
    Value w = parameters.get(b, module.weightName());
    Value bias = module.bias() ? parameters.get(b, module.biasName()) : null;
    if (module.layout() == LinearModule.Layout.LINEAR) {
      return Linear.xWt(b, x, w, bias);
    }
    Value y = b.matmul(x, w); // GPT-2 Conv1D stores W as [in, out]
    return bias != null ? b.add(y, bias) : y;
  }
}
