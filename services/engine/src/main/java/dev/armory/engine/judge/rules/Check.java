package dev.armory.engine.judge.rules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a rule tests on an answer; {@link #failure} says why it fails, or nothing when it passes.
 */
public sealed interface Check {

  /**
   * Why {@code answer} fails this check, or empty when it passes.
   *
   * @param tokens the answer's length in tokens, or −1 when unknown
   */
  Optional<String> failure(String answer, int tokens);

  /** Every pattern must be found somewhere in the answer. */
  record Required(List<Pattern> patterns) implements Check {
    public Required {
      patterns = List.copyOf(patterns);
    }

    @Override
    public Optional<String> failure(String answer, int tokens) {
      for (Pattern p : patterns) {
        if (!p.matcher(answer).find()) {
          return Optional.of("required pattern '" + p.pattern() + "' not found");
        }
      }
      return Optional.empty();
    }
  }

  /** No pattern may be found anywhere in the answer. */
  record Forbidden(List<Pattern> patterns) implements Check {
    public Forbidden {
      patterns = List.copyOf(patterns);
    }

    @Override
    public Optional<String> failure(String answer, int tokens) {
      for (Pattern p : patterns) {
        Matcher m = p.matcher(answer);
        if (m.find()) {
          return Optional.of(
              "forbidden pattern '" + p.pattern() + "' matched '" + excerpt(m.group()) + "'");
        }
      }
      return Optional.empty();
    }
  }

  /**
   * The answer is JSON that the schema accepts. Surrounding whitespace and one enclosing Markdown
   * code fence (```json ... ```) are allowed; anything else around the JSON fails.
   */
  record JsonSchemaValid(JsonSchema schema) implements Check {
    private static final ObjectMapper JSON =
        new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    @Override
    public Optional<String> failure(String answer, int tokens) {
      String text = unfence(answer.strip());
      if (text.isEmpty()) {
        return Optional.of("not JSON: the answer is empty");
      }
      JsonNode value;
      try {
        value = JSON.readTree(text);
      } catch (JsonProcessingException e) {
        return Optional.of("not valid JSON (" + e.getOriginalMessage() + ")");
      }
      List<String> errors = schema.validate(value);
      if (errors.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(
          "JSON does not match the schema: "
              + String.join("; ", errors.subList(0, Math.min(3, errors.size())))
              + (errors.size() > 3 ? " (+" + (errors.size() - 3) + " more)" : ""));
    }

    static String unfence(String text) {
      if (text.startsWith("```") && text.endsWith("```") && text.length() >= 6) {
        int firstLineEnd = text.indexOf('\n');
        if (firstLineEnd > 0 && firstLineEnd < text.length() - 3) {
          return text.substring(firstLineEnd + 1, text.length() - 3).strip();
        }
      }
      return text;
    }
  }

  /** The answer's length lies in [min, max] (either bound may be absent). */
  record Length(Integer min, Integer max, LengthUnit unit) implements Check {
    @Override
    public Optional<String> failure(String answer, int tokens) {
      int length;
      if (unit == LengthUnit.TOKENS) {
        if (tokens < 0) {
          throw new IllegalStateException(
              "a length rule counts tokens but the answer's token count is unknown; give the"
                  + " candidates' token counts or count characters (unit: chars)");
        }
        length = tokens;
      } else {
        length = answer.codePointCount(0, answer.length());
      }
      String u = unit == LengthUnit.TOKENS ? " tokens" : " characters";
      if (min != null && length < min) {
        return Optional.of(length + u + ", fewer than the minimum " + min);
      }
      if (max != null && length > max) {
        return Optional.of(length + u + ", more than the maximum " + max);
      }
      return Optional.empty();
    }
  }

  /** How a length rule measures an answer. */
  enum LengthUnit {
    /** Unicode code points. */
    CHARS,
    /** Tokens of the candidate model's tokenizer. */
    TOKENS
  }

  private static String excerpt(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }
}
