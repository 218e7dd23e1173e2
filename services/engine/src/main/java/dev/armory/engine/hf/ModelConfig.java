package dev.armory.engine.hf;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A model's {@code config.json}, typed: {@link LlamaConfig} for llama, mistral and qwen2, {@link
 * Gpt2Config} for gpt2. Names are spelled out; {@link #toJson} writes the Hugging Face names back.
 */
public sealed interface ModelConfig permits LlamaConfig, Gpt2Config {
  /** The file name inside a model directory. */
  String FILE = "config.json";

  /** Which architecture this is. */
  ModelType modelType();

  /** Rows of the token embedding (and of the output head). */
  int vocabularySize();

  /** Width of the residual stream. */
  int hiddenSize();

  /** Decoder blocks. */
  int numberOfLayers();

  /** Query heads per attention layer. */
  int numberOfHeads();

  /** Key/value heads per attention layer (equal to the query heads without grouped-query). */
  int numberOfKeyValueHeads();

  /** Width of one attention head. */
  int headSize();

  /** Longest sequence the position scheme is set up for. */
  int maxPositionEmbeddings();

  /** True when the output head reuses the token embedding matrix. */
  boolean tieWordEmbeddings();

  /** Beginning-of-sequence token, or null. */
  Integer bosTokenId();

  /** End-of-sequence tokens (config.json allows one id or a list); may be empty. */
  List<Integer> eosTokenIds();

  /** This config in Hugging Face's field names. */
  ObjectNode toJson();

  /** Writes {@code config.json} into {@code modelDir}. */
  default void write(Path modelDir) throws IOException {
    JsonFields.write(modelDir.resolve(FILE), toJson());
  }

  /** Reads {@code modelDir/config.json}. */
  static ModelConfig read(Path modelDir) throws IOException {
    Path file = modelDir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      throw new HfFormatException(
          file + ": not found; a Hugging Face model directory needs config.json");
    }
    return parse(JsonFields.read(file));
  }

  /** Parses config JSON text; {@code file} names it in errors. */
  static ModelConfig parse(Path file, String json) throws HfFormatException {
    return parse(JsonFields.parse(file, json));
  }

  private static ModelConfig parse(JsonFields fields) throws HfFormatException {
    String name = fields.string("model_type", null);
    if (name == null) {
      throw fields.error(
          "model_type", "is missing; supported model types: " + ModelType.supported());
    }
    ModelType type = ModelType.fromHfName(name);
    if (type == null) {
      throw fields.error(
          "model_type",
          "is '" + name + "', which Armory does not support; supported: " + ModelType.supported());
    }
    return type == ModelType.GPT2 ? Gpt2Config.parse(fields) : LlamaConfig.parse(type, fields);
  }
}
