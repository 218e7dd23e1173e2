package dev.armory.engine.judge.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VerdictParserTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Answer A is clearer.\nWinner: A",
        "winner:a",
        "WINNER : A",
        "**Winner:** A",
        "**Winner: A**",
        "## Winner: Answer A",
        "Winner - A",
        "Winner: \"A\"",
        "Winner: A.",
        "Winner: A (it is more concise)",
        "Winner: A - it is more concise",
        "The winner is A.",
        "Final verdict: [[A]]",
        "I prefer the first. [[A]]",
        "{\"winner\": \"A\"}",
        "Reasoning...\n```json\n{\"reason\": \"shorter\", \"winner\": \"a\"}\n```",
        "{\"Winner\": \"Answer A\"}",
        "Winner: A\n{\"winner\": \"A\"}",
        "Verdict: Response A",
      })
  void readsAVariants(String reply) {
    assertEquals(Optional.of(Verdict.A), VerdictParser.parse(reply), reply);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"Winner: B", "winner: b", "  winner :  [[B]] ", "{\"verdict\": \"B\"}", "[[B]]"})
  void readsB(String reply) {
    assertEquals(Optional.of(Verdict.B), VerdictParser.parse(reply), reply);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Winner: tie",
        "Winner: TIE",
        "Winner: draw",
        "{\"winner\": \"tie\"}",
        "Winner: equal"
      })
  void readsTies(String reply) {
    assertEquals(Optional.of(Verdict.TIE), VerdictParser.parse(reply), reply);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "   ",
        "I think A is better.",
        "Answer A wins",
        "Winner: A or B",
        "Winner: maybe A",
        "Winner: A, because it is short",
        "Winner: C",
        "{\"winner\": \"C\"}",
        "{\"winner\": 1}",
        "Winner: A\n\nOn reflection:\nWinner: B",
        "Winner: A\n{\"winner\": \"B\"}",
        "End with \"Winner: A\" or \"Winner: B\".",
        "Winner:",
        "{\"winner\": \"A\"",
      })
  void unparseableRepliesAreNotGuessed(String reply) {
    assertEquals(Optional.empty(), VerdictParser.parse(reply), reply);
    assertNotNull(VerdictParser.problem(reply));
  }

  @Test
  void conflictingVerdictsSaySo() {
    assertEquals("conflicting answers [A, B]", VerdictParser.problem("Winner: A\nWinner: B"));
    assertEquals("no final answer found", VerdictParser.problem("A is nicer"));
  }

  @Test
  void gradesPassAndFail() {
    assertEquals(Optional.of(true), GradeParser.parse("Matches.\nVerdict: PASS"));
    assertEquals(Optional.of(false), GradeParser.parse("**Verdict:** fail"));
    assertEquals(Optional.of(true), GradeParser.parse("{\"verdict\": \"pass\"}"));
    assertEquals(Optional.of(false), GradeParser.parse("Grade: incorrect"));
    assertEquals(Optional.empty(), GradeParser.parse("Verdict: PASS\nVerdict: FAIL"));
    assertEquals(Optional.empty(), GradeParser.parse("It passes, I think"));
  }
}
