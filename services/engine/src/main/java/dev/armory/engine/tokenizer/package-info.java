/**
 * Tokenizers and chat templates of Hugging Face model directories.
 *
 * <p>Reading order: {@link dev.armory.engine.tokenizer.HfTokenizer} (loads {@code tokenizer.json}
 * through DJL's binding of the Rust tokenizers library; {@code Vocabulary} and {@link
 * dev.armory.engine.tokenizer.TokenizerConfig} hold what it reads beside), then {@link
 * dev.armory.engine.tokenizer.IncrementalDecoder} (text deltas for streaming), then {@link
 * dev.armory.engine.tokenizer.ChatTemplate} (Jinja chat templates on Jinjava, with {@code
 * TemplateSandbox}, {@code PythonStrings}, {@code PythonJson} and {@code TemplateNames} bridging
 * the gaps to Python Jinja), and last {@link dev.armory.engine.tokenizer.TinyTokenizer} with {@code
 * ByteLevelBpe}, which trains and writes the small tokenizer of generated test models.
 */
package dev.armory.engine.tokenizer;
