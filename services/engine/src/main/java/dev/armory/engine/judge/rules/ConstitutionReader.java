package dev.armory.engine.judge.rules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads a constitution from YAML:
 *
 * <pre>
 * name: json-answers          # optional; default: the file name without extension
 * rubric: |                   # optional; what an LLM judge should prefer
 *   Prefer correct, concise answers.
 * rules:
 *   - id: valid-json          # required, unique
 *     json_schema:            # inline JSON Schema (subset, see JsonSchema) ...
 *       type: object
 *       required: [answer]
 *     # json_schema_file: answer.schema.json   # ... or a JSON file, relative to this file
 *   - id: no-apology
 *     forbidden: ["(?i)as an ai", "sorry"]     # one pattern or a list: none may match
 *   - id: cites-source
 *     required: "\\[\\d+\\]"                 # one pattern or a list: all must match
 *     ignore_case: false                       # pattern rules only
 *     action: score                            # veto (default) or score
 *     weight: 2                                # score rules only; default 1
 *   - id: not-too-long
 *     length: {min: 1, max: 400, unit: chars}  # unit: chars (default) or tokens
 * </pre>
 *
 * Each rule has exactly one check ({@code required}, {@code forbidden}, {@code json_schema}, {@code
 * json_schema_file}, {@code length}) plus an optional {@code description}. Patterns are Java
 * regular expressions searched anywhere in the answer. Unknown keys are errors, and every error
 * names the file, the key (e.g. {@code rules[2].required}) and what is wrong.
 */
public final class ConstitutionReader {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> TOP_KEYS = Set.of("name", "rubric", "rules");
  private static final List<String> CHECK_KEYS =
      List.of("required", "forbidden", "json_schema", "json_schema_file", "length");
  private static final Set<String> RULE_KEYS =
      Set.of(
          "id",
          "action",
          "weight",
          "description",
          "ignore_case",
          "required",
          "forbidden",
          "json_schema",
          "json_schema_file",
          "length");
  private static final Pattern RULE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private ConstitutionReader() {}

  /** Reads {@code file}; schema files are resolved against its directory. */
  public static Constitution read(Path file) throws IOException {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConstitutionException(file + ": no such constitution file; check the path", e);
    }
    String name = file.getFileName().toString().replaceFirst("\\.(ya?ml|json)$", "");
    Path dir = file.toAbsolutePath().getParent();
    return parse(text, file.toString(), name, dir);
  }

  /**
   * Parses constitution YAML (JSON is YAML too).
   *
   * @param source names the text in errors (usually the file path)
   * @param defaultName the name when the text has none
   * @param baseDir where {@code json_schema_file} paths are resolved
   */
  public static Constitution parse(String text, String source, String defaultName, Path baseDir) {
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (JsonProcessingException e) {
      String at =
          e.getLocation() == null
              ? ""
              : " at line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr();
      throw new ConstitutionException(
          source
              + ": not valid YAML"
              + at
              + " ("
              + e.getOriginalMessage().replaceAll("\\s+", " ")
              + ")",
          e);
    } catch (IOException e) {
      throw new ConstitutionException(source + ": cannot be read (" + e.getMessage() + ")", e);
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw new ConstitutionException(source + ": is empty; a constitution needs 'rules'");
    }
    if (!root.isObject()) {
      throw new ConstitutionException(
          source
              + ": must be a mapping with 'rules' (and optional 'name', 'rubric'), found "
              + JsonSchema.kind(root));
    }
    unknownKeys(root, TOP_KEYS, source + ": ");
    String name = optionalText(root, "name", source, "name");
    String rubric = optionalText(root, "rubric", source, "rubric");
    JsonNode rulesNode = root.get("rules");
    if (rulesNode == null || rulesNode.isNull()) {
      throw new ConstitutionException(source + ": rules: missing; give a list of rules");
    }
    if (!rulesNode.isArray()) {
      throw new ConstitutionException(
          source + ": rules: must be a list of rules, found " + JsonSchema.kind(rulesNode));
    }
    List<Rule> rules = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < rulesNode.size(); i++) {
      Rule rule = rule(rulesNode.get(i), source, "rules[" + i + "]", baseDir);
      if (!ids.add(rule.id())) {
        throw new ConstitutionException(
            source
                + ": rules["
                + i
                + "].id: '"
                + rule.id()
                + "' is used by an earlier rule; ids must be unique");
      }
      rules.add(rule);
    }
    if (rubric != null && rubric.isBlank()) {
      throw new ConstitutionException(source + ": rubric: is blank; remove it or give the text");
    }
    return new Constitution(name == null ? defaultName : name, rubric, rules);
  }

  private static Rule rule(JsonNode node, String source, String key, Path baseDir) {
    if (!node.isObject()) {
      throw new ConstitutionException(
          source
              + ": "
              + key
              + ": must be a mapping with 'id' and one check, found "
              + JsonSchema.kind(node));
    }
    unknownKeys(node, RULE_KEYS, source + ": " + key + ".");
    String id = optionalText(node, "id", source, key + ".id");
    if (id == null) {
      throw new ConstitutionException(source + ": " + key + ".id: missing; every rule needs an id");
    }
    if (!RULE_ID.matcher(id).matches()) {
      throw new ConstitutionException(
          source + ": " + key + ".id: '" + id + "' is not valid; use 1-64 of A-Z a-z 0-9 . _ -");
    }
    List<String> present = CHECK_KEYS.stream().filter(node::has).toList();
    if (present.size() != 1) {
      throw new ConstitutionException(
          source
              + ": "
              + key
              + " ("
              + id
              + "): needs exactly one check of "
              + CHECK_KEYS
              + ", found "
              + (present.isEmpty() ? "none" : present));
    }
    String actionText = optionalText(node, "action", source, key + ".action");
    RuleAction action;
    if (actionText == null) {
      action = RuleAction.VETO;
    } else {
      try {
        action = RuleAction.valueOf(actionText.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new ConstitutionException(
            source
                + ": "
                + key
                + ".action: '"
                + actionText
                + "' is not an action; use veto or score");
      }
    }
    double weight = 0;
    JsonNode w = node.get("weight");
    if (w != null) {
      if (action != RuleAction.SCORE) {
        throw new ConstitutionException(
            source
                + ": "
                + key
                + ".weight: only score rules have a weight; add 'action: score' or remove it");
      }
      if (!w.isNumber() || !(w.asDouble() > 0) || Double.isInfinite(w.asDouble())) {
        throw new ConstitutionException(
            source + ": " + key + ".weight: must be a positive number, found " + w);
      }
      weight = w.asDouble();
    } else if (action == RuleAction.SCORE) {
      weight = 1;
    }
    String description = optionalText(node, "description", source, key + ".description");
    JsonNode ignoreCaseNode = node.get("ignore_case");
    if (ignoreCaseNode != null && !ignoreCaseNode.isBoolean()) {
      throw new ConstitutionException(
          source + ": " + key + ".ignore_case: must be true or false, found " + ignoreCaseNode);
    }
    boolean ignoreCase = ignoreCaseNode != null && ignoreCaseNode.booleanValue();
    String checkKey = present.get(0);
    if (ignoreCaseNode != null && !checkKey.equals("required") && !checkKey.equals("forbidden")) {
      throw new ConstitutionException(
          source + ": " + key + ".ignore_case: only applies to required/forbidden patterns");
    }
    String where = source + ": " + key + "." + checkKey;
    Check check =
        switch (checkKey) {
          case "required" -> new Check.Required(patterns(node.get(checkKey), where, ignoreCase));
          case "forbidden" -> new Check.Forbidden(patterns(node.get(checkKey), where, ignoreCase));
          case "json_schema" ->
              new Check.JsonSchemaValid(JsonSchema.compile(node.get(checkKey), where));
          case "json_schema_file" -> schemaFile(node.get(checkKey), where, baseDir);
          default -> length(node.get(checkKey), where);
        };
    return new Rule(id, action, weight, description, check);
  }

  private static List<Pattern> patterns(JsonNode node, String where, boolean ignoreCase) {
    List<JsonNode> items = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(items::add);
    } else {
      items.add(node);
    }
    if (items.isEmpty()) {
      throw new ConstitutionException(where + ": the list of patterns is empty");
    }
    List<Pattern> out = new ArrayList<>();
    for (JsonNode item : items) {
      if (!item.isTextual() || item.asText().isEmpty()) {
        throw new ConstitutionException(
            where + ": a pattern must be a non-empty string, found " + item);
      }
      try {
        out.add(
            Pattern.compile(
                item.asText(), ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0));
      } catch (PatternSyntaxException e) {
        throw new ConstitutionException(
            where
                + ": pattern '"
                + item.asText()
                + "' does not compile: "
                + e.getDescription()
                + (e.getIndex() >= 0 ? " near index " + e.getIndex() : ""));
      }
    }
    return out;
  }

  private static Check schemaFile(JsonNode node, String where, Path baseDir) {
    if (!node.isTextual() || node.asText().isBlank()) {
      throw new ConstitutionException(where + ": must be a path to a JSON Schema file");
    }
    Path file = baseDir == null ? Path.of(node.asText()) : baseDir.resolve(node.asText());
    JsonNode schema;
    try {
      schema = JSON.readTree(Files.readString(file));
    } catch (NoSuchFileException e) {
      throw new ConstitutionException(
          where + ": " + file + " does not exist (paths are relative to the constitution file)", e);
    } catch (JsonProcessingException e) {
      throw new ConstitutionException(
          where + ": " + file + " is not valid JSON (" + e.getOriginalMessage() + ")", e);
    } catch (IOException e) {
      throw new ConstitutionException(
          where + ": " + file + " cannot be read (" + e.getMessage() + ")", e);
    }
    return new Check.JsonSchemaValid(
        JsonSchema.compile(schema, where + " (" + file.getFileName() + ")"));
  }

  private static Check length(JsonNode node, String where) {
    if (!node.isObject()) {
      throw new ConstitutionException(
          where
              + ": must be a mapping with min and/or max (and optional unit), found "
              + JsonSchema.kind(node));
    }
    unknownKeys(node, Set.of("min", "max", "unit"), where + ".");
    Integer min = bound(node, "min", where);
    Integer max = bound(node, "max", where);
    if (min == null && max == null) {
      throw new ConstitutionException(where + ": needs min, max or both");
    }
    if (min != null && max != null && min > max) {
      throw new ConstitutionException(where + ": min " + min + " is greater than max " + max);
    }
    Check.LengthUnit unit = Check.LengthUnit.CHARS;
    JsonNode u = node.get("unit");
    if (u != null) {
      String text = u.asText().trim().toLowerCase(Locale.ROOT);
      unit =
          switch (text) {
            case "chars", "characters", "char" -> Check.LengthUnit.CHARS;
            case "tokens", "token" -> Check.LengthUnit.TOKENS;
            default ->
                throw new ConstitutionException(
                    where + ".unit: '" + u.asText() + "' is not a unit; use chars or tokens");
          };
    }
    return new Check.Length(min, max, unit);
  }

  private static Integer bound(JsonNode node, String key, String where) {
    JsonNode b = node.get(key);
    if (b == null || b.isNull()) {
      return null;
    }
    if (!b.canConvertToExactIntegral() || b.asLong() < 0 || b.asLong() > Integer.MAX_VALUE) {
      throw new ConstitutionException(
          where + "." + key + ": must be a non-negative integer, found " + b);
    }
    return b.asInt();
  }

  private static String optionalText(JsonNode node, String field, String source, String key) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new ConstitutionException(
          source + ": " + key + ": must be a string, found " + JsonSchema.kind(v));
    }
    return v.asText();
  }

  /** Fails on the first key of {@code node} not in {@code known}; {@code prefix} leads the key. */
  private static void unknownKeys(JsonNode node, Set<String> known, String prefix) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!known.contains(key)) {
        throw new ConstitutionException(
            prefix + key + ": unknown key; expected one of " + new TreeSet<>(known));
      }
    }
  }
}
