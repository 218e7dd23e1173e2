/**
 * Merging LoRA adapters into their base model (merge_and_unload). Reading order: {@link
 * dev.armory.engine.merge.ModelMerger} (the entry: request in, HF directory out) with {@link
 * dev.armory.engine.merge.MergeRequest}, {@link dev.armory.engine.merge.WeightedAdapter}, {@link
 * dev.armory.engine.merge.MergeMethod}, {@link dev.armory.engine.merge.SignElection}, {@link
 * dev.armory.engine.merge.WeightDType} and {@link dev.armory.engine.merge.MergeResult}; then how a
 * module's weight is merged: {@link dev.armory.engine.merge.AdapterProvenance} (which base the
 * adapters saw), {@code BaseLinearWeights} (float32, or the NF4 round trip), {@code LoraFactors}
 * and {@link dev.armory.engine.merge.TaskArithmetic} (linear sum, trimming, TIES on full deltas),
 * {@code DeltaMerge}; then writing: {@code MergedCheckpointWriter} (tensor by tensor, sharded) and
 * {@link dev.armory.engine.merge.ModelDirectoryFiles}. {@link dev.armory.engine.merge.AdaptedModel}
 * and {@link dev.armory.engine.merge.WeightedLoraLinears} apply the same adapters unmerged, the
 * reference merged and exported models are checked against. Depends on models, quant, peft and
 * finetune (the base-weight formats and model hashes).
 */
package dev.armory.engine.merge;
