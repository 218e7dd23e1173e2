/**
 * The safetensors format: a little-endian u64 header length, a JSON header naming each tensor's
 * dtype, shape and byte range, then the raw data section.
 *
 * <p>Reading order: {@link dev.armory.engine.safetensors.DType} and {@link
 * dev.armory.engine.safetensors.TensorInfo} (what a header entry says), {@link
 * dev.armory.engine.safetensors.SafetensorsHeader} (parsing and strict validation), {@link
 * dev.armory.engine.safetensors.SafetensorsFile} (memory-mapped reads), {@link
 * dev.armory.engine.safetensors.SafetensorsWriter}, and {@link
 * dev.armory.engine.safetensors.WeightStore} (one model directory, one or many shards).
 */
package dev.armory.engine.safetensors;
