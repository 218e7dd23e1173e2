package dev.armory.engine.judge.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConstitutionTest {
  @TempDir Path dir;

  static final String YAML =
      """
      name: json-answers
      rubric: Prefer short, correct JSON.
      rules:
        - id: valid-json
          json_schema_file: answer.schema.json
        - id: no-apology
          forbidden: ["as an ai", "sorry"]
          ignore_case: true
        - id: not-too-long
          length: {min: 2, max: 60}
        - id: cites
          required: "\\\\[\\\\d+\\\\]"
          action: score
          weight: 2
        - id: has-reason
          required: "reason"
          action: score
        - id: few-tokens
          length: {max: 5, unit: tokens}
          action: score
          weight: 0.5
      """;

  static final String SCHEMA =
      """
      {"type": "object", "required": ["answer"],
       "properties": {"answer": {"type": "string", "minLength": 1}, "reason": {"type": "string"}},
       "additionalProperties": false}
      """;

  private Constitution load() throws Exception {
    Files.writeString(dir.resolve("answer.schema.json"), SCHEMA);
    Path file = dir.resolve("c.yaml");
    Files.writeString(file, YAML);
    return Constitution.read(file);
  }

  @Test
  void readsEveryRuleKind() throws Exception {
    Constitution c = load();
    assertEquals("json-answers", c.name());
    assertEquals("Prefer short, correct JSON.", c.rubric());
    assertEquals(
        List.of("valid-json", "no-apology", "not-too-long", "cites", "has-reason", "few-tokens"),
        c.rules().stream().map(Rule::id).toList());
    assertEquals(RuleAction.VETO, c.rules().get(0).action());
    assertEquals(2.0, c.rules().get(3).weight());
    assertEquals(1.0, c.rules().get(4).weight());
    assertTrue(c.countsTokens());
  }

  @Test
  void vetoRulesDisqualifyAndScoreRulesRank() throws Exception {
    Constitution c = load();
    // Passes every veto; score: cites (2) + has-reason (1) + few tokens (0.5).
    Assessment best = c.assess("{\"answer\": \"4 [1]\", \"reason\": \"2+2\"}", 4);
    assertFalse(best.vetoed(), best.describe());
    assertEquals(3.5, best.score());
    // Passes the vetoes, no citation, too many tokens: score 1.
    Assessment plain = c.assess("{\"answer\": \"4\", \"reason\": \"sum\"}", 9);
    assertFalse(plain.vetoed());
    assertEquals(1.0, plain.score());
    // Not JSON at all.
    Assessment prose = c.assess("The answer is 4 [1], reason: sum", 9);
    assertTrue(prose.vetoed());
    assertEquals(List.of("valid-json"), prose.vetoes().stream().map(RuleResult::ruleId).toList());
    assertTrue(prose.vetoes().get(0).detail().startsWith("not valid JSON"), prose.describe());
    // Valid JSON with an apology (case-insensitive) and an extra property: two vetoes.
    Assessment sorry = c.assess("{\"answer\": \"SORRY, no\", \"mood\": \"sad\"}", 3);
    assertEquals(
        List.of("valid-json", "no-apology"),
        sorry.vetoes().stream().map(RuleResult::ruleId).toList());
    assertTrue(
        sorry.vetoes().get(0).detail().contains("$.mood: property not allowed"), sorry.describe());
    assertTrue(sorry.vetoes().get(1).detail().contains("matched 'SORRY'"), sorry.describe());
    // A fenced JSON answer is accepted.
    assertFalse(c.assess("```json\n{\"answer\": \"x\"}\n```", 3).vetoed());
    // Too long in characters.
    Assessment longOne = c.assess("{\"answer\": \"" + "x".repeat(80) + "\"}", 3);
    assertEquals("not-too-long", longOne.vetoes().get(0).ruleId());
    assertTrue(longOne.vetoes().get(0).detail().contains("more than the maximum 60"));
  }

  @Test
  void tokenRulesNeedATokenCount() throws Exception {
    Constitution c = load();
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> c.assess("{\"answer\": \"4\"}", -1));
    assertTrue(e.getMessage().contains("token count is unknown"), e.getMessage());
  }

  @Test
  void nameDefaultsToTheFileName() throws Exception {
    Path file = dir.resolve("house-rules.yml");
    Files.writeString(file, "rules:\n  - id: r\n    required: x\n");
    Constitution c = Constitution.read(file);
    assertEquals("house-rules", c.name());
    assertEquals(null, c.rubric());
  }
}
