package dev.armory.engine.judge.rules;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A bad constitution fails with the file, the key and what is wrong. */
class ConstitutionErrorsTest {
  @TempDir Path dir;

  private String error(String yaml) throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, yaml);
    ConstitutionException e =
        assertThrows(ConstitutionException.class, () -> Constitution.read(file));
    System.out.println(e.getMessage());
    assertTrue(e.getMessage().startsWith(file.toString() + ": "), e.getMessage());
    return e.getMessage();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "bad regex | rules:\\n  - id: r\\n    required: '(ab'\\n | rules[0].required: pattern '(ab' does not compile",
        "unknown rule key | rules:\\n  - id: r\\n    requried: x\\n | rules[0].requried: unknown key; expected one of",
        "unknown top key | rule:\\n  - id: r\\n | rule: unknown key; expected one of [name, rubric, rules]",
        "no check | rules:\\n  - id: r\\n    action: veto\\n | rules[0] (r): needs exactly one check of [required, forbidden, json_schema, json_schema_file, length], found none",
        "two checks | rules:\\n  - id: r\\n    required: x\\n    forbidden: y\\n | found [required, forbidden]",
        "bad action | rules:\\n  - id: r\\n    required: x\\n    action: maybe\\n | rules[0].action: 'maybe' is not an action; use veto or score",
        "weight on veto | rules:\\n  - id: r\\n    required: x\\n    weight: 2\\n | rules[0].weight: only score rules have a weight",
        "negative weight | rules:\\n  - id: r\\n    required: x\\n    action: score\\n    weight: -1\\n | rules[0].weight: must be a positive number",
        "missing id | rules:\\n  - required: x\\n | rules[0].id: missing",
        "duplicate id | rules:\\n  - id: r\\n    required: x\\n  - id: r\\n    required: y\\n | rules[1].id: 'r' is used by an earlier rule",
        "min above max | rules:\\n  - id: r\\n    length: {min: 9, max: 3}\\n | rules[0].length: min 9 is greater than max 3",
        "bad unit | rules:\\n  - id: r\\n    length: {max: 3, unit: words}\\n | rules[0].length.unit: 'words' is not a unit",
        "length key | rules:\\n  - id: r\\n    length: {most: 3}\\n | rules[0].length.most: unknown key",
        "schema keyword | rules:\\n  - id: r\\n    json_schema: {type: object, anyOf: []}\\n | rules[0].json_schema.anyOf: unsupported JSON Schema keyword",
        "schema type | rules:\\n  - id: r\\n    json_schema: {type: obj}\\n | rules[0].json_schema.type: unknown type 'obj'",
        "nested schema | rules:\\n  - id: r\\n    json_schema: {properties: {a: {minLength: x}}}\\n | rules[0].json_schema.properties.a.minLength: must be a non-negative integer",
        "rules not a list | rules: {id: r}\\n | rules: must be a list of rules",
        "no rules | name: x\\n | rules: missing",
        "not yaml | rules: [a, \\n | not valid YAML at line",
        "schema file missing | rules:\\n  - id: r\\n    json_schema_file: nope.json\\n | rules[0].json_schema_file: ",
      })
  void namesFileKeyAndProblem(String name, String yaml, String expected) throws Exception {
    String message = error(yaml.replace("\\n", "\n"));
    assertTrue(message.contains(expected), "expected '" + expected + "' in: " + message);
  }

  @Test
  void missingFileIsNamed() {
    Path missing = dir.resolve("none.yaml");
    ConstitutionException e =
        assertThrows(ConstitutionException.class, () -> Constitution.read(missing));
    assertTrue(
        e.getMessage().contains(missing.toString()) && e.getMessage().contains("no such"),
        e.getMessage());
  }
}
