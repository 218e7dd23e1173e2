package dev.armory.engine.judge;

import dev.armory.engine.generate.SamplingParams;
import dev.armory.engine.judge.llm.JudgeCallException;
import dev.armory.engine.judge.rules.Assessment;
import dev.armory.engine.judge.rules.RuleResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Turns prompts into preference pairs: sample k answers per prompt, drop blank and duplicate
 * answers, apply the rules to each, then put every pair of answers (i < j) to the {@link
 * JudgePanel}. Each decided pair becomes a {@link PreferenceRecord} (winner chosen, loser
 * rejected); every dropped pair is counted by reason in the {@link PreferenceSummary}. A fatal
 * judge error ({@link JudgeCallException#fatal()}) stops the run.
 */
public final class PreferencePipeline {
  private final CandidateSource source;
  private final JudgePanel panel;
  private final PipelineOptions options;

  public PreferencePipeline(CandidateSource source, JudgePanel panel, PipelineOptions options) {
    this.source = source;
    this.panel = panel;
    this.options = options;
  }

  /** Runs over {@code prompts} in order. */
  public PreferenceRun run(List<PromptEntry> prompts, JudgeProgress progress) {
    Counts counts = new Counts();
    List<PreferenceRecord> records = new ArrayList<>();
    ExecutorService pool =
        options.parallelism() > 1
            ? Executors.newFixedThreadPool(
                options.parallelism(),
                r -> {
                  Thread t = new Thread(r, "armory-judge");
                  t.setDaemon(true);
                  return t;
                })
            : null;
    try {
      for (int p = 0; p < prompts.size(); p++) {
        PromptEntry prompt = prompts.get(p);
        List<PreferenceRecord> kept = judgePrompt(p, prompt, counts, pool);
        records.addAll(kept);
        progress.promptJudged(p, prompts.size(), prompt, kept, counts.summary());
      }
    } finally {
      if (pool != null) {
        pool.shutdownNow();
      }
    }
    return new PreferenceRun(records, counts.summary());
  }

  private List<PreferenceRecord> judgePrompt(
      int index, PromptEntry prompt, Counts counts, ExecutorService pool) {
    counts.prompts++;
    SamplingParams s = options.sampling();
    if (s.seed() != null) {
      s = s.withSeed(s.seed() + (long) index * options.k());
    }
    List<Candidate> sampled =
        source.sample(
            new CandidateRequest(
                prompt.prompt(),
                options.format(),
                options.k(),
                s,
                options.maxNewTokens(),
                options.adapterId()));
    counts.candidates += sampled.size();
    List<Candidate> answers = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Candidate c : sampled) {
      if (c.text().isBlank()) {
        counts.blank++;
      } else if (!seen.add(c.text())) {
        counts.duplicates++;
      } else {
        answers.add(c);
      }
    }
    List<Assessment> assessments = new ArrayList<>(answers.size());
    for (Candidate c : answers) {
      Assessment a = panel.assess(c);
      assessments.add(a);
      if (a.vetoed()) {
        counts.vetoed++;
        for (RuleResult r : a.vetoes()) {
          counts.vetoesByRule.merge(r.ruleId(), 1, Integer::sum);
        }
      }
    }
    List<int[]> pairs = new ArrayList<>();
    for (int i = 0; i < answers.size(); i++) {
      for (int j = i + 1; j < answers.size(); j++) {
        pairs.add(new int[] {i, j});
      }
    }
    List<PairDecision> decisions = decideAll(prompt, answers, assessments, pairs, pool);
    List<PreferenceRecord> kept = new ArrayList<>();
    for (int n = 0; n < pairs.size(); n++) {
      PairDecision d = decisions.get(n);
      counts.count(d);
      if (d.outcome().decided()) {
        boolean firstWins = d.outcome() == PairDecision.Outcome.FIRST;
        Candidate chosen = answers.get(pairs.get(n)[firstWins ? 0 : 1]);
        Candidate rejected = answers.get(pairs.get(n)[firstWins ? 1 : 0]);
        Assessment chosenRules = firstWins ? d.first() : d.second();
        Assessment rejectedRules = firstWins ? d.second() : d.first();
        kept.add(
            new PreferenceRecord(
                prompt.id(),
                prompt.prompt(),
                chosen.text(),
                rejected.text(),
                options.format(),
                d.decidedBy(),
                firstWins ? d.rationale("chosen", "rejected") : d.rationale("rejected", "chosen"),
                panel.hasRules() ? chosenRules.score() : null,
                panel.hasRules() ? rejectedRules.score() : null,
                firstWins ? d.votesFirst() : d.votesSecond(),
                firstWins ? d.votesSecond() : d.votesFirst()));
      }
    }
    return kept;
  }

  private List<PairDecision> decideAll(
      PromptEntry prompt,
      List<Candidate> answers,
      List<Assessment> assessments,
      List<int[]> pairs,
      ExecutorService pool) {
    List<PairDecision> out = new ArrayList<>(pairs.size());
    if (pool == null) {
      for (int[] p : pairs) {
        out.add(
            panel.decide(
                prompt.prompt(),
                answers.get(p[0]),
                assessments.get(p[0]),
                answers.get(p[1]),
                assessments.get(p[1])));
      }
      return out;
    }
    List<Future<PairDecision>> futures = new ArrayList<>(pairs.size());
    for (int[] p : pairs) {
      futures.add(
          pool.submit(
              () ->
                  panel.decide(
                      prompt.prompt(),
                      answers.get(p[0]),
                      assessments.get(p[0]),
                      answers.get(p[1]),
                      assessments.get(p[1]))));
    }
    for (Future<PairDecision> f : futures) {
      try {
        out.add(f.get());
      } catch (ExecutionException e) {
        futures.forEach(other -> other.cancel(true));
        if (e.getCause() instanceof RuntimeException r) {
          throw r;
        }
        throw new IllegalStateException("judging a pair failed: " + e.getCause(), e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        futures.forEach(other -> other.cancel(true));
        throw new IllegalStateException("interrupted while judging", e);
      }
    }
    return out;
  }

  /** Running counts; {@link #summary()} snapshots them. */
  private static final class Counts {
    int prompts;
    int candidates;
    int blank;
    int duplicates;
    int vetoed;
    final Map<String, Integer> vetoesByRule = new HashMap<>();
    int compared;
    int keptByRules;
    int keptByLlm;
    int bothVetoed;
    int undecided;
    int ties;
    int positionDisagreements;
    int judgeDisagreements;
    int unparseable;
    int unparseableReplies;
    int judgeErrors;
    String firstJudgeError;

    void count(PairDecision d) {
      compared++;
      unparseableReplies += d.unparseableReplies();
      switch (d.outcome()) {
        case FIRST, SECOND -> {
          if (d.replies().isEmpty()) {
            keptByRules++;
          } else {
            keptByLlm++;
          }
        }
        case TIE -> ties++;
        case IDENTICAL -> {} // cannot happen: duplicates are removed before pairing
        case BOTH_VETOED -> bothVetoed++;
        case UNDECIDED -> undecided++;
        case POSITION_DISAGREEMENT -> positionDisagreements++;
        case JUDGES_DISAGREE -> judgeDisagreements++;
        case UNPARSEABLE -> unparseable++;
        case JUDGE_ERROR -> {
          judgeErrors++;
          if (firstJudgeError == null) {
            firstJudgeError = d.problem();
          }
        }
      }
    }

    PreferenceSummary summary() {
      return new PreferenceSummary(
          prompts,
          candidates,
          blank,
          duplicates,
          vetoed,
          vetoesByRule,
          compared,
          keptByRules + keptByLlm,
          keptByRules,
          keptByLlm,
          bothVetoed,
          undecided,
          ties,
          positionDisagreements,
          judgeDisagreements,
          unparseable,
          unparseableReplies,
          judgeErrors,
          firstJudgeError);
    }
  }
}
