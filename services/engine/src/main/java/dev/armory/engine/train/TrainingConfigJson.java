package dev.armory.engine.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads and writes {@link TrainingConfig} as JSON or YAML with snake_case keys ({@code
 * learning_rate: 2e-4}). A file may give only some keys; the rest keep their defaults. Unknown keys
 * are errors, so a typo never silently trains with a default.
 */
public final class TrainingConfigJson {
  private TrainingConfigJson() {}

  /** The config as indented JSON. */
  public static String toJson(TrainingConfig config) {
    try {
      return JsonCodec.JSON.writeValueAsString(config);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a TrainingConfig always serialises", e);
    }
  }

  /** The config as a JSON tree, for embedding in checkpoint state and manifests. */
  public static ObjectNode toTree(TrainingConfig config) {
    return JsonCodec.JSON.valueToTree(config);
  }

  /** Reads a config file: YAML when it ends in .yaml or .yml, JSON otherwise. */
  public static TrainingConfig read(Path file) throws IOException {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    boolean yaml = name.endsWith(".yaml") || name.endsWith(".yml");
    return parse(Files.readString(file), yaml, file.toString());
  }

  /** Parses JSON ({@code yaml == false}) or YAML text; {@code source} names it in errors. */
  public static TrainingConfig parse(String text, boolean yaml, String source) {
    ObjectMapper m = yaml ? JsonCodec.YAML : JsonCodec.JSON;
    JsonNode tree;
    try {
      tree = m.readTree(text);
    } catch (JsonProcessingException e) {
      throw new InvalidConfigException(
          source + ": not valid " + (yaml ? "YAML" : "JSON") + ": " + e.getOriginalMessage(), e);
    }
    if (tree == null || tree.isMissingNode() || tree.isNull()) {
      return TrainingConfig.defaults();
    }
    return fromTree(tree, source);
  }

  /** Overlays the keys of {@code tree} on the defaults and validates the result. */
  public static TrainingConfig fromTree(JsonNode tree, String source) {
    if (!tree.isObject()) {
      throw new InvalidConfigException(
          source + ": a training config must be a mapping of keys to values, got " + tree);
    }
    ObjectNode merged = toTree(TrainingConfig.defaults());
    List<String> known = new ArrayList<>();
    merged.fieldNames().forEachRemaining(known::add);
    for (var it = tree.fields(); it.hasNext(); ) {
      var e = it.next();
      if (!merged.has(e.getKey())) {
        throw new InvalidConfigException(
            source + ": unknown key '" + e.getKey() + "'; known keys are " + known);
      }
      merged.set(e.getKey(), e.getValue());
    }
    try {
      return JsonCodec.JSON.treeToValue(merged, TrainingConfig.class);
    } catch (JsonMappingException e) {
      InvalidConfigException invalid = findInvalid(e);
      if (invalid != null) {
        throw new InvalidConfigException(source + ": " + invalid.getMessage(), invalid);
      }
      String field =
          e.getPath().isEmpty() ? "?" : e.getPath().get(e.getPath().size() - 1).getFieldName();
      throw new InvalidConfigException(
          source
              + ": key '"
              + field
              + "' has the wrong type ("
              + merged.get(field)
              + "): "
              + e.getOriginalMessage(),
          e);
    } catch (JsonProcessingException e) {
      throw new InvalidConfigException(source + ": " + e.getOriginalMessage(), e);
    }
  }

  private static InvalidConfigException findInvalid(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof InvalidConfigException i) {
        return i;
      }
    }
    return null;
  }
}
