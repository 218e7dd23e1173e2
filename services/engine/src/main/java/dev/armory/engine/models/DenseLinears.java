package dev.armory.engine.models;

import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Value;

/** Linear layers over the checkpoint's own weights: y = x·Wᵀ + b (x·W + b for GPT-2's Conv1D). */
public final class DenseLinears implements LinearLayers {
  private final ModelParameters parameters;

  public DenseLinears(ModelParameters parameters) {
    this.parameters = parameters;
  }

  @Override
  public Value apply(GraphBuilder b, LinearModule module, Value x) {
    Value w = parameters.get(b, module.weightName());
    // ONNX Runtime folds or fuses the transpose of a constant weight; the backward pass of a frozen
    // weight needs only dX = dY·W, which reads W as stored.
    Value y =
        module.layout() == LinearModule.Layout.LINEAR
            ? b.matmul(x, b.transpose(w, 1, 0))
            : b.matmul(x, w);
    return module.bias() ? b.add(y, parameters.get(b, module.biasName())) : y;
  }
}
