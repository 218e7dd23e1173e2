package dev.armory.engine.merge;

import dev.armory.engine.finetune.BaseWeights;
import java.nio.file.Path;
import java.util.List;

/**
 * What a merge wrote.
 *
 * @param directory the merged Hugging Face model directory
 * @param baseWeights the base the deltas were added to
 * @param baseWeightsSource why that base: "requested", or the manifest it was read from, or
 *     "default"
 * @param mergedModules linear modules whose weight received a delta
 * @param rewrittenModules linear modules written from a recomputed weight (merged ones, plus every
 *     other linear layer when the base is an NF4 round trip)
 * @param tensors tensors written
 * @param weightFiles the safetensors files written (one, or shards)
 * @param bytes bytes of tensor data written
 */
public record MergeResult(
    Path directory,
    BaseWeights baseWeights,
    String baseWeightsSource,
    int mergedModules,
    int rewrittenModules,
    int tensors,
    List<Path> weightFiles,
    long bytes) {}
