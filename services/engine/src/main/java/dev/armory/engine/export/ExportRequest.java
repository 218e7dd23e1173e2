package dev.armory.engine.export;

import dev.armory.engine.finetune.BaseWeights;
import dev.armory.engine.merge.MergeMethod;
import dev.armory.engine.merge.SignElection;
import dev.armory.engine.merge.WeightedAdapter;
import dev.armory.engine.quant.Int4Linears;
import dev.armory.engine.quant.MatMulNBits;
import java.nio.file.Path;
import java.util.List;

/**
 * What to export: a base model with optional adapters (merged first, as {@code armory merge}
 * would), the weight precision, and how to validate the result.
 *
 * @param model Hugging Face model directory of the base
 * @param adapters adapters merged into the base (empty: the base as it is)
 * @param method how several adapters combine
 * @param density TIES density
 * @param signElection TIES sign election
 * @param baseWeights the base the adapters were trained against (null: from their run manifests)
 * @param precision weight precision of the exported model
 * @param int4BlockSize int4: weights per quantisation block along K (a power of two ≥ 16)
 * @param int4AccuracyLevel int4: MatMulNBits accuracy_level (0 unset, 1 fp32, 2 fp16, 3 bf16, 4
 *     int8 activations)
 * @param out output directory (created; must not exist or be empty)
 * @param parity validation settings
 */
public record ExportRequest(
    Path model,
    List<WeightedAdapter> adapters,
    MergeMethod method,
    double density,
    SignElection signElection,
    BaseWeights baseWeights,
    ExportPrecision precision,
    int int4BlockSize,
    int int4AccuracyLevel,
    Path out,
    ParitySettings parity) {

  public ExportRequest {
    adapters = List.copyOf(adapters);
    if (int4AccuracyLevel < 0 || int4AccuracyLevel > 4) {
      throw new IllegalArgumentException(
          "int4 accuracy level must be 0..4 (MatMulNBits accuracy_level), was "
              + int4AccuracyLevel);
    }
    if (int4BlockSize < 16 || Integer.bitCount(int4BlockSize) != 1) {
      throw new IllegalArgumentException(
          "int4 block size must be a power of two >= 16, was " + int4BlockSize);
    }
  }

  /** The base with {@code adapters} merged linearly, exported in {@code precision}. */
  public static ExportRequest of(
      Path model, List<WeightedAdapter> adapters, ExportPrecision precision, Path out) {
    return new ExportRequest(
        model,
        adapters,
        MergeMethod.LINEAR,
        1.0,
        SignElection.TOTAL,
        null,
        precision,
        Int4Linears.DEFAULT_BLOCK_SIZE,
        MatMulNBits.ACCURACY_INT8,
        out,
        ParitySettings.defaults());
  }

  public ExportRequest withMethod(MergeMethod m, double d, SignElection s) {
    return new ExportRequest(
        model,
        adapters,
        m,
        d,
        s,
        baseWeights,
        precision,
        int4BlockSize,
        int4AccuracyLevel,
        out,
        parity);
  }

  public ExportRequest withBaseWeights(BaseWeights b) {
    return new ExportRequest(
        model,
        adapters,
        method,
        density,
        signElection,
        b,
        precision,
        int4BlockSize,
        int4AccuracyLevel,
        out,
        parity);
  }

  public ExportRequest withInt4(int blockSize, int accuracyLevel) {
    return new ExportRequest(
        model,
        adapters,
        method,
        density,
        signElection,
        baseWeights,
        precision,
        blockSize,
        accuracyLevel,
        out,
        parity);
  }

  public ExportRequest withParity(ParitySettings p) {
    return new ExportRequest(
        model,
        adapters,
        method,
        density,
        signElection,
        baseWeights,
        precision,
        int4BlockSize,
        int4AccuracyLevel,
        out,
        p);
  }
}
