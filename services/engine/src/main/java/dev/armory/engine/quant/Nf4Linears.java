package dev.armory.engine.quant;

import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.TensorData;
import dev.armory.engine.graph.Value;
import dev.armory.engine.models.LinearLayers;
import dev.armory.engine.models.LinearModule;
import dev.armory.engine.models.ModelParameters;
import dev.armory.engine.runtime.Tensors;
import dev.armory.engine.safetensors.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * QLoRA's base: every decoder linear layer holds its frozen weight in NF4 (quantised once from the
 * checkpoint, streaming), and runs through {@link Nf4Linear}. Embeddings, norms and the output head
 * stay in float. Sessions over such graphs must disable constant folding ({@link
 * QuantizedGraphs#sessionConfig}).
 */
public final class Nf4Linears implements LinearLayers {
  private final ModelParameters parameters;
  private final Nf4Quantizer quantizer;
  private final Map<String, Nf4Tensor> quantized = new LinkedHashMap<>();

  public Nf4Linears(ModelParameters parameters, Nf4Quantizer quantizer) {
    this.parameters = parameters;
    this.quantizer = quantizer;
  }

  /** The quantised weights so far, by module name (for byte accounting and merges). */
  public Map<String, Nf4Tensor> quantized() {
    return quantized;
  }

  @Override
  public Value apply(GraphBuilder b, LinearModule module, Value x) {
    Nf4Tensor w = quantized.computeIfAbsent(module.name(), n -> quantize(module));
    Value bias = module.bias() ? parameters.get(b, module.biasName()) : null;
    return Nf4Linear.apply(b, x, w, bias, module.name());
  }

  /** Quantises a module's weight as [out, in] (GPT-2's Conv1D weights are transposed first). */
  private Nf4Tensor quantize(LinearModule m) {
    int out = m.outFeatures();
    int in = m.inFeatures();
    if (m.layout() == LinearModule.Layout.LINEAR) {
      // Straight from the checkpoint's bytes: bf16/fp16 weights are never widened as a whole.
      TensorInfo info = parameters.checkpoint().info(m.weightName());
      ElementType source =
          switch (info.dtype()) {
            case F32 -> ElementType.FLOAT;
            case F16 -> ElementType.FLOAT16;
            case BF16 -> ElementType.BFLOAT16;
            default -> null;
          };
      if (source != null) {
        ByteBuffer bytes =
            parameters.checkpoint().data(m.weightName()).order(ByteOrder.LITTLE_ENDIAN);
        return quantizer.quantize(m.weightName(), bytes, source, out, in);
      }
    }
    TensorData w = parameters.float32(m.weightName());
    if (m.layout() == LinearModule.Layout.LINEAR) {
      return quantizer.quantize(m.weightName(), w.bytes(), ElementType.FLOAT, out, in);
    }
    FloatBuffer src = w.bytes().asFloatBuffer(); // [in, out]
    ByteBuffer t = Tensors.direct((long) out * in * 4).order(ByteOrder.LITTLE_ENDIAN);
    FloatBuffer dst = t.asFloatBuffer(); // [out, in]
    for (int o = 0; o < out; o++) {
      for (int i = 0; i < in; i++) {
        dst.put(o * in + i, src.get(i * out + o));
      }
    }
    return quantizer.quantize(m.weightName(), t, ElementType.FLOAT, out, in);
  }
}
