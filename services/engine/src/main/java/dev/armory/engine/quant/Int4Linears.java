package dev.armory.engine.quant;

import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.TensorData;
import dev.armory.engine.graph.Value;
import dev.armory.engine.models.LinearLayers;
import dev.armory.engine.models.LinearModule;
import dev.armory.engine.models.ModelParameters;
import dev.armory.engine.runtime.Tensors;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Inference base weights in int4: every decoder linear layer holds its weight in MatMulNBits'
 * layout (quantised once, kept across graph rebuilds) and computes through it with int8 activations
 * (accuracy level 4). Embeddings, norms and the output head stay float32. No gradients flow through
 * MatMulNBits: these linears are for inference graphs only.
 */
public final class Int4Linears implements LinearLayers {
  /** Block size along K. */
  public static final int DEFAULT_BLOCK_SIZE = 32;

  private final ModelParameters parameters;
  private final Int4Quantizer quantizer;
  private final int accuracyLevel;
  private final Map<String, Int4Tensor> quantized = new LinkedHashMap<>();

  public Int4Linears(ModelParameters parameters, int blockSize) {
    this(parameters, blockSize, MatMulNBits.ACCURACY_INT8);
  }

  public Int4Linears(ModelParameters parameters, int blockSize, int accuracyLevel) {
    this.parameters = parameters;
    this.quantizer = new Int4Quantizer(blockSize);
    this.accuracyLevel = accuracyLevel;
  }

  /** The quantised weights so far, by module name. */
  public Map<String, Int4Tensor> quantized() {
    return quantized;
  }

  @Override
  public Value apply(GraphBuilder b, LinearModule module, Value x) {
    Int4Tensor w = quantized.computeIfAbsent(module.name(), n -> quantize(module));
    try (var s = b.scope(module.name())) {
      int blocks = w.blocksPerRow();
      Value codes =
          b.initializer(
              module.name() + ".weight.int4",
              TensorData.wrap(
                  ElementType.UINT8, new long[] {w.rows(), blocks, w.blockSize() / 2}, w.codes()));
      Value scales =
          b.initializer(
              module.name() + ".weight.scales",
              TensorData.wrap(
                  ElementType.FLOAT, new long[] {(long) w.rows() * blocks}, w.scales()));
      Value zeroPoints =
          b.initializer(
              module.name() + ".weight.zero_points",
              TensorData.wrap(
                  ElementType.UINT8,
                  new long[] {(long) w.rows() * ((blocks + 1) / 2)},
                  w.zeroPoints()));
      Value y =
          b.apply(
              MatMulNBits.OP,
              MatMulNBits.attributes(w, accuracyLevel),
              x,
              codes,
              scales,
              zeroPoints);
      return module.bias() ? b.add(y, parameters.get(b, module.biasName())) : y;
    }
  }

  /** Quantises a module's weight as [out, in] (GPT-2's Conv1D weights are transposed first). */
  private Int4Tensor quantize(LinearModule m) {
    FloatBuffer src =
        parameters.float32(m.weightName()).bytes().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    int out = m.outFeatures();
    int in = m.inFeatures();
    if (m.layout() == LinearModule.Layout.LINEAR) {
      return quantizer.quantize(m.weightName(), src, out, in);
    }
    FloatBuffer t =
        Tensors.direct((long) out * in * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    for (int o = 0; o < out; o++) {
      for (int i = 0; i < in; i++) {
        t.put(o * in + i, src.get(i * out + o));
      }
    }
    return quantizer.quantize(m.weightName(), t, out, in);
  }
}
