package dev.armory.engine.generate.adapters;

import dev.armory.engine.models.LinearModule;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;

/**
 * A consistent view of the stacked LoRA factors for one graph run.
 *
 * @param version changes whenever the buffers are replaced (tensors over them can be cached until)
 * @param modules modules that have a branch (a graph built for a smaller set must be rebuilt)
 * @param rank R, the padded rank
 * @param slots slot count, slot 0 included
 * @param a per module A [slots, R, in]
 * @param b per module B [slots, out, R], scale folded in
 */
public record SlotStacks(
    long version,
    List<LinearModule> modules,
    int rank,
    int slots,
    Map<String, FloatBuffer> a,
    Map<String, FloatBuffer> b) {}
