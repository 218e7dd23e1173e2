/**
 * Model architectures. For now, their description: which modules and parameters a config implies
 * and where each sits in a checkpoint. Forward graphs join this package later.
 *
 * <p>Reading order: {@link dev.armory.engine.models.ParameterKind}, {@link
 * dev.armory.engine.models.ParameterSpec}, {@link dev.armory.engine.models.LinearModule} and {@link
 * dev.armory.engine.models.ModuleNode} (the vocabulary), {@link
 * dev.armory.engine.models.ModelArchitecture} (built per family by {@code LlamaFamilyLayout} and
 * {@code Gpt2Layout}), {@link dev.armory.engine.models.CheckpointBinding} (architecture meets
 * safetensors), then {@link dev.armory.engine.models.ModelInspector} and {@link
 * dev.armory.engine.models.ModuleTree} (what {@code armory inspect} prints). Forward graphs: {@link
 * dev.armory.engine.models.CausalLmGraph} (training forward; {@code logits} for inference graphs
 * that bring their own {@link dev.armory.engine.models.DecoderParts}: a {@link
 * dev.armory.engine.models.SelfAttention} and {@link dev.armory.engine.models.Normalization}),
 * {@link dev.armory.engine.models.LinearLayers} (how each named linear computes) and {@link
 * dev.armory.engine.models.LlamaRotary} (rotary tables from a config).
 */
package dev.armory.engine.models;
