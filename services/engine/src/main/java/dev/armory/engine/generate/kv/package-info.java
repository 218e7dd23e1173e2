/**
 * Inference graphs with a KV cache and what runs them. Reading order: {@link
 * dev.armory.engine.generate.kv.KvCacheGraph} (the model's decoder with cache-backed attention;
 * names in {@link dev.armory.engine.generate.kv.KvNames}), its attention kernels {@link
 * dev.armory.engine.generate.kv.StandardKvAttention} (standard ops) and {@link
 * dev.armory.engine.generate.kv.GroupQueryKvAttention} (ONNX Runtime's GroupQueryAttention, in
 * place), {@link dev.armory.engine.generate.kv.KvRotary} and {@link
 * dev.armory.engine.generate.kv.FusedNormalization} (contrib kernels), {@link
 * dev.armory.engine.generate.kv.BatchedLoraLinears} (per-row adapters as inputs), then {@link
 * dev.armory.engine.generate.kv.SlotKvCache} (the batch's cache rows) and {@link
 * dev.armory.engine.generate.kv.KvDecoder} (prefill and decoding steps over it).
 */
package dev.armory.engine.generate.kv;
