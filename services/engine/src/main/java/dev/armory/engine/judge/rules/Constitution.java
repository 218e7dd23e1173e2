package dev.armory.engine.judge.rules;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The rules answers are held to, read from YAML ({@link ConstitutionReader} documents the format),
 * and an optional rubric for LLM judges. Rules run before any LLM is asked: a candidate failing a
 * veto rule is disqualified, and the weights of the score rules it passes rank it.
 *
 * @param name shown in judge ids ({@code rules:NAME})
 * @param rubric what an LLM judge should prefer, or null for the default rubric
 * @param rules in file order
 */
public record Constitution(String name, String rubric, List<Rule> rules) {
  public Constitution {
    Objects.requireNonNull(name, "name");
    rules = List.copyOf(rules);
  }

  /** Reads and validates a constitution file. */
  public static Constitution read(Path file) throws IOException {
    return ConstitutionReader.read(file);
  }

  /** Applies every rule to {@code answer}; {@code tokens} is its token count (−1 when unknown). */
  public Assessment assess(String answer, int tokens) {
    List<RuleResult> results = new ArrayList<>(rules.size());
    for (Rule rule : rules) {
      results.add(rule.apply(answer, tokens));
    }
    return new Assessment(results);
  }

  /** True when some rule measures length in tokens (answers then need their token counts). */
  public boolean countsTokens() {
    return rules.stream()
        .anyMatch(r -> r.check() instanceof Check.Length l && l.unit() == Check.LengthUnit.TOKENS);
  }

  public Optional<String> rubricText() {
    return Optional.ofNullable(rubric);
  }
}
