package dev.armory.engine.judge.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonSchemaTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static JsonSchema schema(String json) throws Exception {
    return JsonSchema.compile(JSON.readTree(json), "test");
  }

  static List<String> errors(JsonSchema s, String value) throws Exception {
    JsonNode v = JSON.readTree(value);
    return s.validate(v);
  }

  @Test
  void typesIncludingIntegerAndUnions() throws Exception {
    JsonSchema integer = schema("{\"type\": \"integer\"}");
    assertEquals(List.of(), errors(integer, "3"));
    assertEquals(List.of(), errors(integer, "3.0"));
    assertEquals(List.of("$: expected integer, found a number"), errors(integer, "3.5"));
    JsonSchema union = schema("{\"type\": [\"string\", \"null\"]}");
    assertEquals(List.of(), errors(union, "null"));
    assertEquals(
        List.of("$: expected one of [string, null], found a boolean"), errors(union, "true"));
  }

  @Test
  void objectsArraysStringsNumbers() throws Exception {
    JsonSchema s =
        schema(
            """
            {"type": "object", "required": ["steps", "score"], "additionalProperties": {"type": "string"},
             "properties": {
               "steps": {"type": "array", "minItems": 1, "maxItems": 2, "items": {"type": "string", "pattern": "^[A-Z]"}},
               "score": {"type": "number", "minimum": 0, "exclusiveMaximum": 10},
               "kind": {"enum": ["a", "b"]},
               "version": {"const": 1}}}
            """);
    assertEquals(
        List.of(),
        errors(
            s,
            "{\"steps\": [\"Go\"], \"score\": 9.5, \"kind\": \"a\", \"version\": 1.0, \"note\": \"x\"}"));
    List<String> e =
        errors(
            s,
            "{\"steps\": [\"go\", \"Up\", \"On\"], \"score\": 10, \"kind\": \"c\", \"version\": 2, \"note\": 5}");
    assertEquals(
        List.of(
            "$.steps: 3 items, more than maxItems 2",
            "$.steps[0]: does not match pattern '^[A-Z]'",
            "$.score: 10 is not below exclusiveMaximum 10.0",
            "$.kind: \"c\" is not one of [\"a\",\"b\"]",
            "$.version: must be 1, found 2",
            "$.note: expected string, found a number"),
        e);
    assertEquals(
        List.of("$: missing required property 'steps'", "$: missing required property 'score'"),
        errors(s, "{}"));
  }

  @Test
  void lengthCountsCodePointsAndBooleanSchemas() throws Exception {
    JsonSchema s = schema("{\"type\": \"string\", \"minLength\": 2, \"maxLength\": 2}");
    assertEquals(List.of(), errors(s, "\"\\ud83d\\ude00x\"")); // an emoji is one code point
    assertTrue(errors(s, "\"xyz\"").get(0).contains("above maxLength 2"));
    JsonSchema no = schema("{\"properties\": {\"x\": false}}");
    assertEquals(List.of("$.x: not allowed (the schema is false)"), errors(no, "{\"x\": 1}"));
  }
}
