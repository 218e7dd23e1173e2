/**
 * Hugging Face model directories: {@code config.json} into typed configs, {@code
 * generation_config.json}, and the directory as a whole.
 *
 * <p>Reading order: {@link dev.armory.engine.hf.ModelType} (what is supported), {@link
 * dev.armory.engine.hf.ModelConfig} with its two shapes {@link dev.armory.engine.hf.LlamaConfig}
 * (llama, mistral, qwen2) and {@link dev.armory.engine.hf.Gpt2Config}, {@link
 * dev.armory.engine.hf.GenerationConfig}, then {@link dev.armory.engine.hf.HfModelDir}, which ties
 * config, weights and tokenizer files together.
 */
package dev.armory.engine.hf;
