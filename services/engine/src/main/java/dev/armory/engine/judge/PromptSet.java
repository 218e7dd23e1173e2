package dev.armory.engine.judge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.armory.engine.data.DatasetException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads prompt sets for judging and evaluation. A {@code .txt} file holds one prompt per non-blank
 * line. Any other file is JSONL, one object per line: the prompt from {@code prompt} (or Alpaca's
 * {@code instruction} with an optional {@code input} after a blank line), an optional {@code id},
 * and an optional reference answer from {@code reference}, {@code completion}, {@code output} or
 * {@code answer} (so prompt/completion and Alpaca golden sets work as they are). Other keys are
 * ignored. Errors name the file and line.
 */
public final class PromptSet {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> REFERENCE_KEYS =
      List.of("reference", "completion", "output", "answer");

  private PromptSet() {}

  /** The prompts of {@code file}, in file order. */
  public static List<PromptEntry> read(Path file) throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (NoSuchFileException e) {
      throw new DatasetException(
          file.toString(), file + ": no such prompt file; check the path", e);
    }
    boolean text = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".txt");
    List<PromptEntry> out = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (i == 0 && line.startsWith("\uFEFF")) {
        line = line.substring(1);
      }
      if (line.isBlank()) {
        continue;
      }
      int number = i + 1;
      PromptEntry entry =
          text
              ? new PromptEntry(String.valueOf(number), line.strip(), null)
              : parse(file, number, line);
      if (!ids.add(entry.id())) {
        throw fail(
            file,
            file + " line " + number + ": id '" + entry.id() + "' is used by an earlier line");
      }
      out.add(entry);
    }
    if (out.isEmpty()) {
      throw fail(file, file + ": holds no prompts");
    }
    return out;
  }

  private static PromptEntry parse(Path file, int number, String line) {
    String where = file + " line " + number + ": ";
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw fail(
          file,
          where
              + "not valid JSON ("
              + e.getOriginalMessage()
              + "); a .txt file holds plain prompts");
    }
    if (node == null || !node.isObject()) {
      throw fail(file, where + "must be a JSON object with 'prompt'");
    }
    String prompt;
    if (node.hasNonNull("prompt")) {
      prompt = text(node, "prompt", file, where);
    } else if (node.hasNonNull("instruction")) {
      prompt = text(node, "instruction", file, where);
      if (node.hasNonNull("input") && !text(node, "input", file, where).isBlank()) {
        prompt = prompt + "\n\n" + node.get("input").asText();
      }
    } else {
      throw fail(file, where + "has no 'prompt' (or 'instruction'); found keys " + keys(node));
    }
    if (prompt.isBlank()) {
      throw fail(file, where + "the prompt is empty");
    }
    String reference = null;
    for (String key : REFERENCE_KEYS) {
      if (node.hasNonNull(key)) {
        reference = text(node, key, file, where);
        break;
      }
    }
    String id = String.valueOf(number);
    JsonNode idNode = node.get("id");
    if (idNode != null && !idNode.isNull()) {
      if (!idNode.isTextual() && !idNode.isIntegralNumber()) {
        throw fail(file, where + "'id' must be a string or an integer");
      }
      id = idNode.asText();
    }
    return new PromptEntry(id, prompt, reference);
  }

  private static String text(JsonNode node, String key, Path file, String where) {
    JsonNode v = node.get(key);
    if (!v.isTextual()) {
      throw fail(
          file,
          where
              + "'"
              + key
              + "' must be a string, found "
              + v.getNodeType().toString().toLowerCase(Locale.ROOT));
    }
    return v.asText();
  }

  private static DatasetException fail(Path file, String message) {
    return new DatasetException(file.toString(), List.of(), message);
  }

  private static List<String> keys(JsonNode node) {
    List<String> keys = new ArrayList<>();
    node.fieldNames().forEachRemaining(keys::add);
    return keys;
  }
}
