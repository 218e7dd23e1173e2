package dev.armory.engine.judge.llm;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds a labelled final answer in a judge's free text, e.g. {@code Winner: A} or {@code
 * {"verdict": "pass"}}, without guessing: every labelled statement in the text is collected (lines
 * "LABEL: VALUE" with Markdown decoration allowed, JSON objects with a LABEL key, and optionally
 * MT-Bench's {@code [[VALUE]]}); a value counts only when, after decoration and an
 * "Answer"/"Response" prefix are stripped, it is exactly one of the known values
 * (case-insensitive), optionally followed by an explanation after " - ", " (", ": " or ". ". No
 * statement, or statements that disagree, is a failure with the reason.
 *
 * @param <T> the answer type
 */
final class LabelledAnswerParser<T> {
  /** The outcome: a value, or why there is none. */
  record Parsed<T>(T value, String problem) {
    Optional<T> asOptional() {
      return Optional.ofNullable(value);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern BRACKETS = Pattern.compile("\\[\\[\\s*([A-Za-z]+)\\s*]]");
  private static final Pattern EXPLANATION = Pattern.compile("\\s+[-–—]\\s|\\s*\\(|:\\s|\\.\\s");
  private static final Pattern VALUE_PREFIX =
      Pattern.compile("^(?:answer|response|assistant|output|option|candidate)\\s+");
  private static final String DECORATION = "*_`\"'“”‘’[]()<>";

  private final Pattern line;
  private final Set<String> jsonKeys;
  private final Map<String, T> values;
  private final boolean brackets;

  /**
   * @param labels line labels, lower case (e.g. "winner", "final verdict")
   * @param jsonKeys JSON keys, lower case (e.g. "winner")
   * @param values accepted values, lower case, to the answer they mean
   * @param brackets whether {@code [[VALUE]]} anywhere counts
   */
  LabelledAnswerParser(
      List<String> labels, Set<String> jsonKeys, Map<String, T> values, boolean brackets) {
    String alternatives =
        String.join("|", labels.stream().map(l -> l.replace(" ", "[\\s_]+")).toList());
    this.line =
        Pattern.compile(
            "^[\\s>#*_`\\-]*(?:the\\s+)?(?:"
                + alternatives
                + ")\\b[\\s*_`]*(?:is\\b)?[\\s*_`]*"
                + "[:=：\\-–—]?(.*)$",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    this.jsonKeys = jsonKeys;
    this.values = values;
    this.brackets = brackets;
  }

  Parsed<T> parse(String text) {
    if (text == null || text.isBlank()) {
      return new Parsed<>(null, "the reply is empty");
    }
    List<T> found = new ArrayList<>();
    for (String l : text.split("\\R")) {
      Matcher m = line.matcher(l);
      if (m.matches()) {
        value(m.group(1)).ifPresent(found::add);
      }
    }
    found.addAll(fromJson(text));
    if (brackets) {
      Matcher m = BRACKETS.matcher(text);
      while (m.find()) {
        T v = values.get(m.group(1).toLowerCase(Locale.ROOT));
        if (v != null) {
          found.add(v);
        }
      }
    }
    Set<T> distinct = new LinkedHashSet<>(found);
    if (distinct.isEmpty()) {
      return new Parsed<>(null, "no final answer found");
    }
    if (distinct.size() > 1) {
      return new Parsed<>(null, "conflicting answers " + distinct);
    }
    return new Parsed<>(distinct.iterator().next(), null);
  }

  private Optional<T> value(String raw) {
    String v = raw.strip();
    Matcher cut = EXPLANATION.matcher(v);
    if (cut.find() && cut.start() > 0) {
      v = v.substring(0, cut.start());
    }
    StringBuilder plain = new StringBuilder();
    for (char c : v.toCharArray()) {
      if (DECORATION.indexOf(c) < 0) {
        plain.append(c);
      }
    }
    String s = plain.toString().strip().toLowerCase(Locale.ROOT);
    while (s.endsWith(".") || s.endsWith("!")) {
      s = s.substring(0, s.length() - 1).strip();
    }
    s = VALUE_PREFIX.matcher(s.replaceAll("\\s+", " ")).replaceFirst("");
    return Optional.ofNullable(values.get(s));
  }

  private List<T> fromJson(String text) {
    List<T> out = new ArrayList<>();
    int i = text.indexOf('{');
    while (i >= 0) {
      int next = i + 1;
      try (JsonParser p = JSON.getFactory().createParser(text.substring(i))) {
        JsonNode node = p.readValueAsTree();
        if (node != null && node.isObject()) {
          next = i + (int) Math.max(1, p.getCurrentLocation().getCharOffset());
          for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (jsonKeys.contains(e.getKey().toLowerCase(Locale.ROOT))
                && e.getValue().isTextual()) {
              value(e.getValue().asText()).ifPresent(out::add);
            }
          }
        }
      } catch (IOException | RuntimeException notJson) {
        // Not a JSON object here: braces in prose are common.
      }
      i = text.indexOf('{', next);
    }
    return out;
  }
}
