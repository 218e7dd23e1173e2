package dev.armory.engine.hf;

import dev.armory.engine.safetensors.WeightStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A Hugging Face model directory opened for use: its config, optional generation config, weights
 * (memory-mapped) and the paths of its tokenizer files. Closing releases the weight files.
 */
public final class HfModelDir implements AutoCloseable {
  public static final String TOKENIZER_JSON = "tokenizer.json";
  public static final String TOKENIZER_CONFIG = "tokenizer_config.json";
  public static final String SPECIAL_TOKENS_MAP = "special_tokens_map.json";

  private final Path directory;
  private final ModelConfig config;
  private final GenerationConfig generationConfig;
  private final WeightStore weights;

  private HfModelDir(
      Path directory, ModelConfig config, GenerationConfig generation, WeightStore weights) {
    this.directory = directory;
    this.config = config;
    this.generationConfig = generation;
    this.weights = weights;
  }

  /** Opens {@code directory}: reads config.json and generation_config.json, maps the weights. */
  public static HfModelDir open(Path directory) throws IOException {
    if (!Files.exists(directory)) {
      throw new HfFormatException(directory + ": model directory does not exist");
    }
    if (!Files.isDirectory(directory)) {
      throw new HfFormatException(
          directory + ": not a directory; pass the folder holding config.json");
    }
    ModelConfig config = ModelConfig.read(directory);
    GenerationConfig generation = GenerationConfig.read(directory).orElse(null);
    return new HfModelDir(directory, config, generation, WeightStore.open(directory));
  }

  /** The directory. */
  public Path directory() {
    return directory;
  }

  /** The typed config.json. */
  public ModelConfig config() {
    return config;
  }

  /** generation_config.json, when present. */
  public Optional<GenerationConfig> generationConfig() {
    return Optional.ofNullable(generationConfig);
  }

  /** The checkpoint's tensors. */
  public WeightStore weights() {
    return weights;
  }

  /** tokenizer.json, when present. */
  public Optional<Path> tokenizerJson() {
    return file(TOKENIZER_JSON);
  }

  /** tokenizer_config.json (chat template, special tokens), when present. */
  public Optional<Path> tokenizerConfig() {
    return file(TOKENIZER_CONFIG);
  }

  /** special_tokens_map.json, when present. */
  public Optional<Path> specialTokensMap() {
    return file(SPECIAL_TOKENS_MAP);
  }

  /** {@code name} inside the directory, when it is a regular file. */
  public Optional<Path> file(String name) {
    Path p = directory.resolve(name);
    return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
  }

  @Override
  public void close() throws IOException {
    weights.close();
  }

  @Override
  public String toString() {
    return "HfModelDir[" + directory + ", " + config.modelType() + "]";
  }
}
