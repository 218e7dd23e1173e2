package dev.armory.engine.judge.rules;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A JSON Schema validator for the subset of keywords answers are usually checked with (written
 * here, no library): {@code type} (one or a list of {@code object}, {@code array}, {@code string},
 * {@code number}, {@code integer}, {@code boolean}, {@code null}), {@code enum}, {@code const},
 * {@code properties}, {@code required}, {@code additionalProperties} (boolean or schema), {@code
 * items} (one schema), {@code minItems}, {@code maxItems}, {@code minLength}, {@code maxLength}
 * (code points), {@code pattern} (searched, as JSON Schema does), {@code minimum}, {@code maximum},
 * {@code exclusiveMinimum}, {@code exclusiveMaximum} (numbers, draft 6+). Annotations ({@code
 * $schema}, {@code $id}, {@code title}, {@code description}, {@code default}, {@code examples},
 * {@code $comment}) are ignored. Any other keyword is rejected when the schema is compiled, so a
 * schema never silently checks less than its author meant.
 */
public final class JsonSchema {
  private static final Set<String> ANNOTATIONS =
      Set.of("$schema", "$id", "title", "description", "default", "examples", "$comment");
  private static final Set<String> KEYWORDS =
      Set.of(
          "type",
          "enum",
          "const",
          "properties",
          "required",
          "additionalProperties",
          "items",
          "minItems",
          "maxItems",
          "minLength",
          "maxLength",
          "pattern",
          "minimum",
          "maximum",
          "exclusiveMinimum",
          "exclusiveMaximum");
  private static final Set<String> TYPES =
      Set.of("object", "array", "string", "number", "integer", "boolean", "null");

  private final boolean rejectAll;
  private final List<String> types;
  private final JsonNode enumValues;
  private final JsonNode constValue;
  private final Map<String, JsonSchema> properties;
  private final List<String> required;
  private final Boolean additionalAllowed;
  private final JsonSchema additionalSchema;
  private final JsonSchema items;
  private final Integer minItems;
  private final Integer maxItems;
  private final Integer minLength;
  private final Integer maxLength;
  private final Pattern pattern;
  private final Double minimum;
  private final Double maximum;
  private final Double exclusiveMinimum;
  private final Double exclusiveMaximum;

  /**
   * Compiles {@code schema}; {@code where} names it in errors (e.g. "constitution.yaml:
   * rules[0].json_schema").
   *
   * @throws ConstitutionException for unsupported keywords or malformed values
   */
  public static JsonSchema compile(JsonNode schema, String where) {
    return new JsonSchema(schema, where);
  }

  private JsonSchema(JsonNode s, String where) {
    if (s.isBoolean()) {
      // true accepts everything, false nothing.
      rejectAll = !s.booleanValue();
      types = List.of();
      enumValues = constValue = null;
      properties = Map.of();
      required = List.of();
      additionalAllowed = null;
      additionalSchema = items = null;
      minItems = maxItems = minLength = maxLength = null;
      pattern = null;
      minimum = maximum = exclusiveMinimum = exclusiveMaximum = null;
      return;
    }
    if (!s.isObject()) {
      throw new ConstitutionException(where + ": a schema must be a mapping, found " + kind(s));
    }
    rejectAll = false;
    for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!KEYWORDS.contains(key) && !ANNOTATIONS.contains(key)) {
        throw new ConstitutionException(
            where
                + "."
                + key
                + ": unsupported JSON Schema keyword; Armory's validator supports "
                + new java.util.TreeSet<>(KEYWORDS)
                + " (annotations such as title and description are ignored)");
      }
    }
    types = types(s.get("type"), where + ".type");
    enumValues = s.get("enum");
    if (enumValues != null && (!enumValues.isArray() || enumValues.isEmpty())) {
      throw new ConstitutionException(where + ".enum: must be a non-empty list of values");
    }
    constValue = s.get("const");
    properties = new LinkedHashMap<>();
    JsonNode props = s.get("properties");
    if (props != null) {
      if (!props.isObject()) {
        throw new ConstitutionException(
            where + ".properties: must map property names to schemas, found " + kind(props));
      }
      props
          .fields()
          .forEachRemaining(
              e ->
                  properties.put(
                      e.getKey(), compile(e.getValue(), where + ".properties." + e.getKey())));
    }
    required = new ArrayList<>();
    JsonNode req = s.get("required");
    if (req != null) {
      if (!req.isArray()) {
        throw new ConstitutionException(where + ".required: must be a list of property names");
      }
      for (JsonNode name : req) {
        if (!name.isTextual()) {
          throw new ConstitutionException(
              where + ".required: must be a list of property names, found " + kind(name));
        }
        required.add(name.asText());
      }
    }
    JsonNode additional = s.get("additionalProperties");
    if (additional == null) {
      additionalAllowed = null;
      additionalSchema = null;
    } else if (additional.isBoolean()) {
      additionalAllowed = additional.booleanValue();
      additionalSchema = null;
    } else {
      additionalAllowed = null;
      additionalSchema = compile(additional, where + ".additionalProperties");
    }
    JsonNode itemNode = s.get("items");
    if (itemNode != null && itemNode.isArray()) {
      throw new ConstitutionException(
          where
              + ".items: tuple schemas (a list) are not supported; give one schema for every item");
    }
    items = itemNode == null ? null : compile(itemNode, where + ".items");
    minItems = count(s, "minItems", where);
    maxItems = count(s, "maxItems", where);
    minLength = count(s, "minLength", where);
    maxLength = count(s, "maxLength", where);
    JsonNode p = s.get("pattern");
    if (p == null) {
      pattern = null;
    } else {
      if (!p.isTextual()) {
        throw new ConstitutionException(where + ".pattern: must be a regular expression string");
      }
      try {
        pattern = Pattern.compile(p.asText());
      } catch (PatternSyntaxException e) {
        throw new ConstitutionException(
            where + ".pattern: '" + p.asText() + "' does not compile: " + e.getDescription());
      }
    }
    minimum = number(s, "minimum", where);
    maximum = number(s, "maximum", where);
    exclusiveMinimum = number(s, "exclusiveMinimum", where);
    exclusiveMaximum = number(s, "exclusiveMaximum", where);
  }

  private static List<String> types(JsonNode node, String where) {
    if (node == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    if (node.isTextual()) {
      out.add(node.asText());
    } else if (node.isArray()) {
      node.forEach(t -> out.add(t.isTextual() ? t.asText() : t.toString()));
    } else {
      throw new ConstitutionException(where + ": must be a type name or a list of them");
    }
    for (String t : out) {
      if (!TYPES.contains(t)) {
        throw new ConstitutionException(
            where
                + ": unknown type '"
                + t
                + "'; expected one of "
                + new java.util.TreeSet<>(TYPES));
      }
    }
    return List.copyOf(out);
  }

  private static Integer count(JsonNode s, String key, String where) {
    JsonNode n = s.get(key);
    if (n == null) {
      return null;
    }
    if (!n.canConvertToExactIntegral() || n.asLong() < 0 || n.asLong() > Integer.MAX_VALUE) {
      throw new ConstitutionException(
          where + "." + key + ": must be a non-negative integer, found " + n);
    }
    return n.asInt();
  }

  private static Double number(JsonNode s, String key, String where) {
    JsonNode n = s.get(key);
    if (n == null) {
      return null;
    }
    if (!n.isNumber()) {
      throw new ConstitutionException(where + "." + key + ": must be a number, found " + kind(n));
    }
    return n.asDouble();
  }

  /** The ways {@code value} breaks the schema, each as "$.path: problem"; empty when valid. */
  public List<String> validate(JsonNode value) {
    List<String> errors = new ArrayList<>();
    check(value, "$", errors);
    return errors;
  }

  private void check(JsonNode v, String path, List<String> errors) {
    if (rejectAll) {
      errors.add(path + ": not allowed (the schema is false)");
      return;
    }
    if (!types.isEmpty() && types.stream().noneMatch(t -> hasType(v, t))) {
      errors.add(
          path
              + ": expected "
              + (types.size() == 1 ? types.get(0) : "one of " + types)
              + ", found "
              + kind(v));
      return;
    }
    if (enumValues != null && !contains(enumValues, v)) {
      errors.add(path + ": " + v + " is not one of " + enumValues);
    }
    if (constValue != null && !equalJson(constValue, v)) {
      errors.add(path + ": must be " + constValue + ", found " + v);
    }
    if (v.isObject()) {
      for (String name : required) {
        if (!v.has(name)) {
          errors.add(path + ": missing required property '" + name + "'");
        }
      }
      v.fields()
          .forEachRemaining(
              e -> {
                String child = path + "." + e.getKey();
                JsonSchema ps = properties.get(e.getKey());
                if (ps != null) {
                  ps.check(e.getValue(), child, errors);
                } else if (Boolean.FALSE.equals(additionalAllowed)) {
                  errors.add(child + ": property not allowed (additionalProperties is false)");
                } else if (additionalSchema != null) {
                  additionalSchema.check(e.getValue(), child, errors);
                }
              });
    }
    if (v.isArray()) {
      if (minItems != null && v.size() < minItems) {
        errors.add(path + ": " + v.size() + " items, fewer than minItems " + minItems);
      }
      if (maxItems != null && v.size() > maxItems) {
        errors.add(path + ": " + v.size() + " items, more than maxItems " + maxItems);
      }
      if (items != null) {
        for (int i = 0; i < v.size(); i++) {
          items.check(v.get(i), path + "[" + i + "]", errors);
        }
      }
    }
    if (v.isTextual()) {
      String text = v.asText();
      int length = text.codePointCount(0, text.length());
      if (minLength != null && length < minLength) {
        errors.add(path + ": length " + length + " is below minLength " + minLength);
      }
      if (maxLength != null && length > maxLength) {
        errors.add(path + ": length " + length + " is above maxLength " + maxLength);
      }
      if (pattern != null && !pattern.matcher(text).find()) {
        errors.add(path + ": does not match pattern '" + pattern.pattern() + "'");
      }
    }
    if (v.isNumber()) {
      double x = v.asDouble();
      if (minimum != null && x < minimum) {
        errors.add(path + ": " + v + " is below minimum " + minimum);
      }
      if (maximum != null && x > maximum) {
        errors.add(path + ": " + v + " is above maximum " + maximum);
      }
      if (exclusiveMinimum != null && x <= exclusiveMinimum) {
        errors.add(path + ": " + v + " is not above exclusiveMinimum " + exclusiveMinimum);
      }
      if (exclusiveMaximum != null && x >= exclusiveMaximum) {
        errors.add(path + ": " + v + " is not below exclusiveMaximum " + exclusiveMaximum);
      }
    }
  }

  private static boolean hasType(JsonNode v, String type) {
    return switch (type) {
      case "object" -> v.isObject();
      case "array" -> v.isArray();
      case "string" -> v.isTextual();
      case "number" -> v.isNumber();
      // JSON Schema: a number with a zero fractional part is an integer (1.0 included).
      case "integer" ->
          v.isIntegralNumber() || (v.isNumber() && v.asDouble() == Math.rint(v.asDouble()));
      case "boolean" -> v.isBoolean();
      case "null" -> v.isNull();
      default -> false;
    };
  }

  private static boolean contains(JsonNode list, JsonNode v) {
    for (JsonNode candidate : list) {
      if (equalJson(candidate, v)) {
        return true;
      }
    }
    return false;
  }

  /** JSON equality where 1 and 1.0 are the same number. */
  private static boolean equalJson(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue()) == 0;
    }
    return a.equals(b);
  }

  static String kind(JsonNode n) {
    if (n.isObject()) {
      return "an object";
    }
    if (n.isArray()) {
      return "a list";
    }
    if (n.isTextual()) {
      return "a string";
    }
    if (n.isNumber()) {
      return "a number";
    }
    if (n.isBoolean()) {
      return "a boolean";
    }
    return n.isNull() ? "null" : n.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
  }
}
