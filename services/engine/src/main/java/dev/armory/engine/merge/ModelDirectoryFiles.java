package dev.armory.engine.merge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.armory.engine.hf.HfFormatException;
import dev.armory.engine.hf.ModelConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The non-weight files of a model directory that travel with its weights: config.json (rewritten
 * for the new dtype, any quantization_config dropped), generation config and tokenizer files
 * (copied as they are).
 */
public final class ModelDirectoryFiles {
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Files copied when present: generation defaults and every tokenizer format HF uses. */
  public static final List<String> COPIED =
      List.of(
          "generation_config.json",
          "tokenizer.json",
          "tokenizer_config.json",
          "special_tokens_map.json",
          "added_tokens.json",
          "tokenizer.model",
          "vocab.json",
          "merges.txt",
          "chat_template.jinja",
          "chat_template.json");

  private ModelDirectoryFiles() {}

  /**
   * Writes {@code to/config.json} from {@code from}'s with {@code torch_dtype} (and {@code dtype},
   * newer transformers' name, when present) set to {@code dtype}, and copies {@link #COPIED}.
   * Returns the names copied.
   */
  public static List<String> copy(Path from, Path to, WeightDType dtype) throws IOException {
    writeConfig(from, to, dtype);
    return copyCompanions(from, to);
  }

  /** Copies the generation and tokenizer files present in {@code from}; returns their names. */
  public static List<String> copyCompanions(Path from, Path to) throws IOException {
    List<String> copied = new ArrayList<>();
    for (String name : COPIED) {
      Path f = from.resolve(name);
      if (Files.isRegularFile(f)) {
        Files.copy(f, to.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        copied.add(name);
      }
    }
    return copied;
  }

  private static void writeConfig(Path from, Path to, WeightDType dtype) throws IOException {
    Path file = from.resolve(ModelConfig.FILE);
    JsonNode tree = JSON.readTree(file.toFile());
    if (!(tree instanceof ObjectNode config)) {
      throw new HfFormatException(file + ": expected a JSON object");
    }
    config.put("torch_dtype", dtype.torchName());
    if (config.has("dtype")) {
      config.put("dtype", dtype.torchName());
    }
    // The merged weights are plain floats: a quantisation recipe no longer describes them.
    config.remove("quantization_config");
    JSON.writeValue(to.resolve(ModelConfig.FILE).toFile(), config);
  }
}
