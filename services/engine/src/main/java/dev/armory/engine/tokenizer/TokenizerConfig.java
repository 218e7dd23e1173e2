package dev.armory.engine.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The parts of {@code tokenizer_config.json} and {@code special_tokens_map.json} Armory uses:
 * special token strings, whether encoding adds BOS/EOS, the chat templates and the length limit.
 *
 * <p>Token strings may be written plainly or as {@code {"__type": "AddedToken", "content": ...}}.
 * As in Hugging Face transformers, a token named in {@code special_tokens_map.json} wins over the
 * same key in {@code tokenizer_config.json}. {@code addBosToken}/{@code addEosToken} are null when
 * the file does not say. Chat templates come from {@code chat_template.jinja} when that file exists
 * (transformers saves templates there since 2025), else from {@code tokenizer_config.json}'s {@code
 * chat_template}: a string becomes the template named {@code default}; the list form keeps its
 * names.
 */
public record TokenizerConfig(
    String bosToken,
    String eosToken,
    String padToken,
    String unkToken,
    Boolean addBosToken,
    Boolean addEosToken,
    Map<String, String> chatTemplates,
    Integer modelMaxLength) {

  /** Name of the template used when a caller names none (and of a template given as a string). */
  public static final String DEFAULT_TEMPLATE = "default";

  public TokenizerConfig {
    chatTemplates = Collections.unmodifiableMap(new LinkedHashMap<>(chatTemplates));
  }

  /** A configuration that says nothing: no special tokens, no templates. */
  public static TokenizerConfig empty() {
    return new TokenizerConfig(null, null, null, null, null, null, Map.of(), null);
  }

  /** Reads the configuration files of a model directory; absent files contribute nothing. */
  public static TokenizerConfig read(Path modelDir) {
    ObjectMapper json = new ObjectMapper();
    JsonNode config = readObject(json, modelDir.resolve("tokenizer_config.json"));
    JsonNode map = readObject(json, modelDir.resolve("special_tokens_map.json"));
    Path configFile = modelDir.resolve("tokenizer_config.json");

    Map<String, String> templates = new LinkedHashMap<>();
    Path jinja = modelDir.resolve("chat_template.jinja");
    if (Files.isRegularFile(jinja)) {
      templates.put(DEFAULT_TEMPLATE, readString(jinja));
    } else {
      readTemplates(configFile, config.path("chat_template"), templates);
    }
    return new TokenizerConfig(
        token(map, config, "bos_token"),
        token(map, config, "eos_token"),
        token(map, config, "pad_token"),
        token(map, config, "unk_token"),
        flag(configFile, config, "add_bos_token"),
        flag(configFile, config, "add_eos_token"),
        templates,
        maxLength(config.path("model_max_length")));
  }

  /** The default chat template, if the model has one. */
  public Optional<String> defaultChatTemplate() {
    if (chatTemplates.containsKey(DEFAULT_TEMPLATE)) {
      return Optional.of(chatTemplates.get(DEFAULT_TEMPLATE));
    }
    return chatTemplates.values().stream().findFirst();
  }

  private static JsonNode readObject(ObjectMapper json, Path file) {
    if (!Files.isRegularFile(file)) {
      return json.createObjectNode();
    }
    try {
      JsonNode node = json.readTree(file.toFile());
      if (node == null || !node.isObject()) {
        throw new TokenizerException(file + ": expected a JSON object at the top level");
      }
      return node;
    } catch (IOException e) {
      throw new TokenizerException(file + ": not valid JSON (" + e.getMessage() + ")", e);
    }
  }

  private static String readString(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new TokenizerException(file + ": cannot be read (" + e.getMessage() + ")", e);
    }
  }

  private static void readTemplates(Path file, JsonNode node, Map<String, String> into) {
    if (node.isMissingNode() || node.isNull()) {
      return;
    }
    if (node.isTextual()) {
      into.put(DEFAULT_TEMPLATE, node.textValue());
      return;
    }
    if (node.isArray()) {
      for (JsonNode entry : node) {
        JsonNode name = entry.path("name");
        JsonNode template = entry.path("template");
        if (!name.isTextual() || !template.isTextual()) {
          throw new TokenizerException(
              file
                  + ": chat_template list entries need a string 'name' and a string 'template',"
                  + " found "
                  + entry);
        }
        into.put(name.textValue(), template.textValue());
      }
      return;
    }
    throw new TokenizerException(
        file
            + ": chat_template must be a string or a list of {name, template} objects, found "
            + node.getNodeType());
  }

  /** special_tokens_map.json wins over tokenizer_config.json, as in transformers. */
  private static String token(JsonNode map, JsonNode config, String key) {
    String fromMap = tokenContent(map.path(key));
    return fromMap != null ? fromMap : tokenContent(config.path(key));
  }

  private static String tokenContent(JsonNode node) {
    if (node.isTextual()) {
      return node.textValue();
    }
    if (node.isObject() && node.path("content").isTextual()) {
      return node.path("content").textValue();
    }
    return null;
  }

  private static Boolean flag(Path file, JsonNode config, String key) {
    JsonNode node = config.path(key);
    if (node.isMissingNode() || node.isNull()) {
      return null;
    }
    if (!node.isBoolean()) {
      throw new TokenizerException(file + ": " + key + " must be true or false, found " + node);
    }
    return node.booleanValue();
  }

  /** transformers writes 1e30 for "no limit"; anything past int range means the same. */
  private static Integer maxLength(JsonNode node) {
    if (!node.isNumber()) {
      return null;
    }
    double value = node.doubleValue();
    return value >= 1 && value <= Integer.MAX_VALUE ? (int) value : null;
  }
}
