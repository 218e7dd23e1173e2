package dev.armory.engine.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Exact-duplicate detection by normalised content. Two records are duplicates when their normalised
 * forms ({@link DataRecord#toJson()}) are equal after turning CRLF into LF and trimming whitespace
 * around every string: an Alpaca line without {@code input} equals one with {@code "input": ""},
 * and a ShareGPT conversation equals the same chat {@code messages}.
 */
public final class Duplicates {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A record whose content already appeared at {@code firstLine}. */
  public record Duplicate(int line, int firstLine) {}

  /** The records kept (first occurrences, in order) and the duplicates removed. */
  public record Deduplicated(List<DatasetLine> kept, List<Duplicate> removed) {
    public Deduplicated {
      kept = List.copyOf(kept);
      removed = List.copyOf(removed);
    }
  }

  private Duplicates() {}

  /** Lowercase hex SHA-256 of the record's normalised content. */
  public static String contentHash(DataRecord record) {
    JsonNode canonical = normalise(record.toJson());
    try {
      byte[] bytes = JSON.writeValueAsString(canonical).getBytes(StandardCharsets.UTF_8);
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (com.fasterxml.jackson.core.JsonProcessingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot hash a dataset record", e);
    }
  }

  /** Every record whose content equals an earlier record's, in file order. */
  public static List<Duplicate> find(List<DatasetLine> records) {
    return deduplicate(records).removed();
  }

  /** Keeps the first record of each distinct content and lists the others. */
  public static Deduplicated deduplicate(List<DatasetLine> records) {
    Map<String, Integer> firstLineByHash = new HashMap<>();
    List<DatasetLine> kept = new ArrayList<>();
    List<Duplicate> removed = new ArrayList<>();
    for (DatasetLine line : records) {
      Integer first = firstLineByHash.putIfAbsent(line.contentHash(), line.line());
      if (first == null) {
        kept.add(line);
      } else {
        removed.add(new Duplicate(line.line(), first));
      }
    }
    return new Deduplicated(kept, removed);
  }

  private static JsonNode normalise(JsonNode node) {
    if (node.isTextual()) {
      return TextNode.valueOf(node.asText().replace("\r\n", "\n").strip());
    }
    if (node.isArray()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      node.forEach(element -> out.add(normalise(element)));
      return out;
    }
    if (node.isObject()) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        out.set(field.getKey(), normalise(field.getValue()));
      }
      return out;
    }
    return node;
  }
}
