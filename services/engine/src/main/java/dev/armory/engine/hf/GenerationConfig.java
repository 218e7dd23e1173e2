package dev.armory.engine.hf;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code generation_config.json}: special token ids and default sampling settings. Every field is
 * optional (null when the file does not set it).
 */
public record GenerationConfig(
    Integer bosTokenId,
    List<Integer> eosTokenIds,
    Integer padTokenId,
    Integer maxNewTokens,
    Double temperature,
    Integer topK,
    Double topP,
    Boolean doSample,
    Double repetitionPenalty) {

  /** The file name inside a model directory. */
  public static final String FILE = "generation_config.json";

  public GenerationConfig {
    eosTokenIds = eosTokenIds == null ? List.of() : List.copyOf(eosTokenIds);
  }

  /** Reads {@code modelDir/generation_config.json}; empty when the file is absent. */
  public static Optional<GenerationConfig> read(Path modelDir) throws IOException {
    Path file = modelDir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    JsonFields f = JsonFields.read(file);
    Double temperature = f.optionalDouble("temperature");
    if (temperature != null && temperature < 0) {
      throw f.error("temperature", "must be >= 0, found " + temperature);
    }
    Double topP = f.optionalDouble("top_p");
    if (topP != null && (topP <= 0 || topP > 1)) {
      throw f.error("top_p", "must be in (0, 1], found " + topP);
    }
    Integer topK = f.optionalInt("top_k");
    if (topK != null && topK < 0) {
      throw f.error("top_k", "must be >= 0, found " + topK);
    }
    Double penalty = f.optionalDouble("repetition_penalty");
    if (penalty != null && penalty <= 0) {
      throw f.error("repetition_penalty", "must be > 0, found " + penalty);
    }
    return Optional.of(
        new GenerationConfig(
            f.tokenId("bos_token_id"),
            f.tokenIds("eos_token_id"),
            f.tokenId("pad_token_id"),
            f.optionalPositiveInt("max_new_tokens"),
            temperature,
            topK,
            topP,
            f.optionalBool("do_sample"),
            penalty));
  }

  /** This config in Hugging Face's field names (null fields left out). */
  public ObjectNode toJson() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    if (bosTokenId != null) {
      n.put("bos_token_id", bosTokenId);
    }
    if (!eosTokenIds.isEmpty()) {
      JsonFields.putTokenIds(n, "eos_token_id", eosTokenIds);
    }
    if (padTokenId != null) {
      n.put("pad_token_id", padTokenId);
    }
    if (maxNewTokens != null) {
      n.put("max_new_tokens", maxNewTokens);
    }
    if (temperature != null) {
      n.put("temperature", temperature);
    }
    if (topK != null) {
      n.put("top_k", topK);
    }
    if (topP != null) {
      n.put("top_p", topP);
    }
    if (doSample != null) {
      n.put("do_sample", doSample);
    }
    if (repetitionPenalty != null) {
      n.put("repetition_penalty", repetitionPenalty);
    }
    return n;
  }

  /** Writes {@code generation_config.json} into {@code modelDir}. */
  public void write(Path modelDir) throws IOException {
    JsonFields.write(modelDir.resolve(FILE), toJson());
  }
}
