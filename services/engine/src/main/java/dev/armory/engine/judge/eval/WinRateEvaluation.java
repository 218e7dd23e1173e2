package dev.armory.engine.judge.eval;

import dev.armory.engine.generate.SamplingParams;
import dev.armory.engine.judge.Candidate;
import dev.armory.engine.judge.CandidateRequest;
import dev.armory.engine.judge.CandidateSource;
import dev.armory.engine.judge.JudgePanel;
import dev.armory.engine.judge.PairDecision;
import dev.armory.engine.judge.PromptEntry;
import dev.armory.engine.judge.rules.Assessment;
import dev.armory.engine.judge.rules.RuleResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

/**
 * Evaluates an adapter against a baseline (the base model or another adapter) with the same judge
 * panel used for preference data: per prompt one answer from each side, one panel decision (rules,
 * then LLM judges in both orders), then the win rate with a Wilson interval ({@link WinRate}).
 *
 * <p>Base scenarios (prompts with reference answers) are checked for regressions: an answer passes
 * when no veto rule of the constitution fails and, with a {@link ReferenceCheck}, the check passes;
 * scenarios where the baseline passes and the adapter fails are listed. A grade that cannot be
 * determined leaves the scenario out (counted).
 */
public final class WinRateEvaluation {
  private final CandidateSource source;
  private final JudgePanel panel;
  private final ReferenceCheck referenceCheck;
  private final EvalOptions options;

  /**
   * @param referenceCheck how answers are graded against references, or null to use the
   *     constitution's veto rules alone
   */
  public WinRateEvaluation(
      CandidateSource source,
      JudgePanel panel,
      ReferenceCheck referenceCheck,
      EvalOptions options) {
    this.source = source;
    this.panel = panel;
    this.referenceCheck = referenceCheck;
    this.options = options;
  }

  /**
   * Compares both sides on {@code prompts}, and checks {@code scenarios} for regressions (answers
   * to a prompt are generated once when it is in both lists).
   *
   * @param progress told (index, total) after each prompt; may be null
   */
  public EvalReport run(
      List<PromptEntry> prompts,
      List<PromptEntry> scenarios,
      BiConsumer<Integer, Integer> progress) {
    Map<String, Candidate[]> answers = new HashMap<>();
    int total = prompts.size() + scenarios.size();
    List<Comparison> comparisons = new ArrayList<>();
    int wins = 0;
    int losses = 0;
    int ties = 0;
    int excluded = 0;
    for (int i = 0; i < prompts.size(); i++) {
      PromptEntry p = prompts.get(i);
      Candidate[] pair = answers(p, i, answers);
      PairDecision d = panel.decide(p.prompt(), pair[0], pair[1]);
      Comparison.Result r = Comparison.of(d.outcome());
      switch (r) {
        case WIN -> wins++;
        case LOSS -> losses++;
        case TIE -> ties++;
        case EXCLUDED -> excluded++;
      }
      comparisons.add(new Comparison(p, pair[0].text(), pair[1].text(), r, d));
      if (progress != null) {
        progress.accept(i, total);
      }
    }
    WinRate rate =
        new WinRate(wins, losses, ties, excluded, options.tieHandling(), options.confidence());
    ScenarioCheck check = scenarios(scenarios, prompts.size(), answers, progress, total);
    return new EvalReport(
        options.adapterName(),
        options.baselineName(),
        judgeDescription(),
        rate,
        comparisons,
        check);
  }

  private ScenarioCheck scenarios(
      List<PromptEntry> scenarios,
      int offset,
      Map<String, Candidate[]> answers,
      BiConsumer<Integer, Integer> progress,
      int total) {
    int checked = 0;
    int baselinePassed = 0;
    int adapterPassed = 0;
    int undetermined = 0;
    List<Regression> regressions = new ArrayList<>();
    boolean anyCheck = panel.hasRules() || referenceCheck != null;
    for (int i = 0; i < scenarios.size(); i++) {
      PromptEntry s = scenarios.get(i);
      if (anyCheck && s.reference() != null) {
        Candidate[] pair = answers(s, offset + i, answers);
        Verdict adapter = passes(s, pair[0]);
        Verdict baseline = passes(s, pair[1]);
        checked++;
        if (adapter.passed == null || baseline.passed == null) {
          undetermined++;
        } else {
          baselinePassed += baseline.passed ? 1 : 0;
          adapterPassed += adapter.passed ? 1 : 0;
          if (baseline.passed && !adapter.passed) {
            regressions.add(new Regression(s, pair[1].text(), pair[0].text(), adapter.why));
          }
        }
      }
      if (progress != null) {
        progress.accept(offset + i, total);
      }
    }
    return new ScenarioCheck(
        checked, baselinePassed, adapterPassed, undetermined, regressions, checkDescription());
  }

  private record Verdict(Boolean passed, String why) {}

  private Verdict passes(PromptEntry scenario, Candidate answer) {
    Assessment rules = panel.assess(answer);
    if (rules.vetoed()) {
      return new Verdict(
          false,
          "vetoed by "
              + rules.vetoes().stream()
                  .map(RuleResult::describe)
                  .collect(Collectors.joining("; ")));
    }
    if (referenceCheck == null || scenario.reference() == null) {
      return new Verdict(true, "");
    }
    ReferenceCheck.Grade g =
        referenceCheck.grade(scenario.prompt(), scenario.reference(), answer.text());
    return new Verdict(g.passed(), g.detail());
  }

  /** [adapter answer, baseline answer] for {@code p}, generated once per prompt text. */
  private Candidate[] answers(PromptEntry p, int index, Map<String, Candidate[]> cache) {
    Candidate[] cached = cache.get(p.prompt());
    if (cached != null) {
      return cached;
    }
    SamplingParams s = options.sampling();
    if (s.seed() != null) {
      s = s.withSeed(s.seed() + index);
    }
    Candidate adapter = one(p, s, options.adapterId());
    Candidate baseline = one(p, s, options.baselineAdapterId());
    Candidate[] pair = {adapter, baseline};
    cache.put(p.prompt(), pair);
    return pair;
  }

  private Candidate one(PromptEntry p, SamplingParams s, String adapterId) {
    List<Candidate> c =
        source.sample(
            new CandidateRequest(
                p.prompt(), options.format(), 1, s, options.maxNewTokens(), adapterId));
    if (c.size() != 1) {
      throw new IllegalStateException(
          "the candidate source returned " + c.size() + " answers for k = 1");
    }
    return c.get(0);
  }

  private String judgeDescription() {
    List<String> parts = new ArrayList<>();
    if (panel.rulesId() != null) {
      parts.add(panel.rulesId());
    }
    if (panel.llmId() != null) {
      parts.add(panel.llmId() + " (both orders)");
    }
    return String.join(" then ", parts);
  }

  private String checkDescription() {
    List<String> parts = new ArrayList<>();
    if (panel.hasRules()) {
      parts.add("no veto rule fails");
    }
    if (referenceCheck instanceof ReferenceMatch m) {
      parts.add(
          m.mode() == ReferenceMatch.Mode.CONTAINS
              ? "the answer contains the reference"
              : "the answer equals the reference");
    } else if (referenceCheck != null) {
      parts.add("the judge grades it PASS against the reference");
    }
    return parts.isEmpty() ? "nothing (no rules, no reference check)" : String.join(" and ", parts);
  }
}
