package dev.armory.engine.merge;

import dev.armory.engine.finetune.BaseWeights;
import java.nio.file.Path;
import java.util.List;

/**
 * What to merge and where: a base model directory, LoRA adapters with weights, how to combine them,
 * and the output directory and dtype.
 *
 * @param model Hugging Face model directory of the base
 * @param adapters adapters and their weights (empty: the base is rewritten unchanged, e.g. to
 *     convert its dtype or dequantise its NF4 round trip)
 * @param method how the adapters' deltas combine
 * @param density TIES: fraction of each delta's entries kept by magnitude, in (0, 1]
 * @param signElection TIES: how each entry's sign is elected
 * @param baseWeights the base the adapters were trained against (NF4 for QLoRA), or null to read it
 *     from each adapter's run manifest (../manifest.json, {@code lineage.base_weights}) and fall
 *     back to float32
 * @param dtype element type of the written floating-point tensors
 * @param out the output directory (created; must not exist or be empty)
 * @param maxShardBytes largest safetensors file written; bigger checkpoints are sharded with an
 *     index as Hugging Face does
 */
public record MergeRequest(
    Path model,
    List<WeightedAdapter> adapters,
    MergeMethod method,
    double density,
    SignElection signElection,
    BaseWeights baseWeights,
    WeightDType dtype,
    Path out,
    long maxShardBytes) {

  /** Hugging Face's default shard size (5 GB). */
  public static final long DEFAULT_MAX_SHARD_BYTES = 5_000_000_000L;

  /** TIES' default density (the TIES paper keeps the top 20%). */
  public static final double DEFAULT_TIES_DENSITY = 0.2;

  public MergeRequest {
    if (model == null || out == null) {
      throw new IllegalArgumentException("a merge needs a model directory and an output directory");
    }
    adapters = List.copyOf(adapters);
    if (method == MergeMethod.TIES) {
      if (adapters.isEmpty()) {
        throw new IllegalArgumentException("TIES merging needs at least one adapter");
      }
      TaskArithmetic.checkDensity(density);
    }
    if (maxShardBytes <= 0) {
      throw new IllegalArgumentException("maxShardBytes must be positive, was " + maxShardBytes);
    }
  }

  /** One adapter merged at weight 1 in float32, the base format read from the run manifest. */
  public static MergeRequest of(Path model, Path adapter, Path out) {
    return of(model, List.of(WeightedAdapter.of(adapter)), out);
  }

  /** A linear merge of {@code adapters} in float32. */
  public static MergeRequest of(Path model, List<WeightedAdapter> adapters, Path out) {
    return new MergeRequest(
        model,
        adapters,
        MergeMethod.LINEAR,
        1.0,
        SignElection.TOTAL,
        null,
        WeightDType.FP32,
        out,
        DEFAULT_MAX_SHARD_BYTES);
  }

  public MergeRequest withMethod(MergeMethod m, double d, SignElection s) {
    return new MergeRequest(model, adapters, m, d, s, baseWeights, dtype, out, maxShardBytes);
  }

  public MergeRequest withBaseWeights(BaseWeights b) {
    return new MergeRequest(
        model, adapters, method, density, signElection, b, dtype, out, maxShardBytes);
  }

  public MergeRequest withDType(WeightDType t) {
    return new MergeRequest(
        model, adapters, method, density, signElection, baseWeights, t, out, maxShardBytes);
  }

  public MergeRequest withOut(Path o) {
    return new MergeRequest(
        model, adapters, method, density, signElection, baseWeights, dtype, o, maxShardBytes);
  }

  public MergeRequest withMaxShardBytes(long bytes) {
    return new MergeRequest(
        model, adapters, method, density, signElection, baseWeights, dtype, out, bytes);
  }
}
