package dev.armory.engine.hf;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Typed reads of one JSON object's fields; every error names the file and the key. */
final class JsonFields {
  static final ObjectMapper JSON =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  /** Indented like Python's json.dump(indent=2): {@code "key": value}, one item per line. */
  private static final ObjectWriter PRETTY =
      JSON.writer(
          new DefaultPrettyPrinter()
              .withSeparators(
                  Separators.createDefaultInstance()
                      .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
              .withObjectIndenter(new DefaultIndenter("  ", "\n"))
              .withArrayIndenter(new DefaultIndenter("  ", "\n")));

  private final Path file;
  private final JsonNode node;

  JsonFields(Path file, JsonNode node) {
    this.file = file;
    this.node = node;
  }

  /** Reads {@code file} as a JSON object. */
  static JsonFields read(Path file) throws IOException {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new HfFormatException(file + ": file not found");
    }
    return parse(file, text);
  }

  static JsonFields parse(Path file, String text) throws HfFormatException {
    JsonNode node;
    try {
      node = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new HfFormatException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (node == null || !node.isObject()) {
      throw new HfFormatException(file + ": must hold a JSON object");
    }
    return new JsonFields(file, node);
  }

  /** Writes {@code node} indented, as transformers does, ending with a newline. */
  static void write(Path file, ObjectNode node) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, PRETTY.writeValueAsString(node) + "\n");
  }

  Path file() {
    return file;
  }

  JsonNode node() {
    return node;
  }

  boolean has(String key) {
    return node.hasNonNull(key);
  }

  JsonFields object(String key) throws HfFormatException {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isObject()) {
      throw error(key, "must be an object or null, found " + v);
    }
    return new JsonFields(file, v);
  }

  HfFormatException error(String key, String what) {
    return new HfFormatException(file + ": '" + key + "' " + what);
  }

  String string(String key, String fallback) throws HfFormatException {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isTextual()) {
      throw error(key, "must be a string, found " + v);
    }
    return v.asText();
  }

  String requiredString(String key) throws HfFormatException {
    String s = string(key, null);
    if (s == null) {
      throw error(key, "is missing");
    }
    return s;
  }

  /** A required positive integer. */
  int positiveInt(String key) throws HfFormatException {
    Integer v = optionalInt(key);
    if (v == null) {
      throw error(key, "is missing; it must be a positive integer");
    }
    return positive(key, v);
  }

  /** A positive integer, {@code fallback} when absent or null. */
  int positiveInt(String key, int fallback) throws HfFormatException {
    Integer v = optionalInt(key);
    return v == null ? fallback : positive(key, v);
  }

  /** A positive integer or null when absent. */
  Integer optionalPositiveInt(String key) throws HfFormatException {
    Integer v = optionalInt(key);
    return v == null ? null : positive(key, v);
  }

  private int positive(String key, int v) throws HfFormatException {
    if (v <= 0) {
      throw error(key, "must be a positive integer, found " + v);
    }
    return v;
  }

  /** Any integer, or null when absent. */
  Integer optionalInt(String key) throws HfFormatException {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isIntegralNumber() && !(v.isNumber() && v.asDouble() == Math.rint(v.asDouble()))) {
      throw error(key, "must be an integer, found " + v);
    }
    if (!v.canConvertToInt()) {
      throw error(key, "is out of range: " + v);
    }
    return v.asInt();
  }

  /** A positive number, {@code fallback} when absent. */
  double positiveDouble(String key, double fallback) throws HfFormatException {
    Double v = optionalDouble(key);
    if (v == null) {
      return fallback;
    }
    if (!(v > 0) || v.isInfinite()) {
      throw error(key, "must be a positive number, found " + v);
    }
    return v;
  }

  Double optionalDouble(String key) throws HfFormatException {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isNumber()) {
      throw error(key, "must be a number, found " + v);
    }
    return v.asDouble();
  }

  boolean bool(String key, boolean fallback) throws HfFormatException {
    Boolean v = optionalBool(key);
    return v == null ? fallback : v;
  }

  Boolean optionalBool(String key) throws HfFormatException {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isBoolean()) {
      throw error(key, "must be true or false, found " + v);
    }
    return v.asBoolean();
  }

  /** A token id, or null. */
  Integer tokenId(String key) throws HfFormatException {
    Integer v = optionalInt(key);
    if (v != null && v < 0) {
      throw error(key, "must be a non-negative token id, found " + v);
    }
    return v;
  }

  /** Token ids given as one integer or a list of them; empty when absent or null. */
  List<Integer> tokenIds(String key) throws HfFormatException {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (v.isArray()) {
      List<Integer> out = new ArrayList<>();
      for (JsonNode e : v) {
        if (!e.isIntegralNumber() || !e.canConvertToInt() || e.asInt() < 0) {
          throw error(key, "must hold non-negative integer token ids, found " + v);
        }
        out.add(e.asInt());
      }
      return List.copyOf(out);
    }
    return List.of(tokenId(key));
  }

  /** Puts a token id list the way transformers writes it: one int alone, else a list. */
  static void putTokenIds(ObjectNode out, String key, List<Integer> ids) {
    if (ids.isEmpty()) {
      out.putNull(key);
    } else if (ids.size() == 1) {
      out.put(key, ids.get(0));
    } else {
      ids.forEach(out.putArray(key)::add);
    }
  }

  static void putNullable(ObjectNode out, String key, Integer value) {
    if (value == null) {
      out.putNull(key);
    } else {
      out.put(key, value);
    }
  }
}
