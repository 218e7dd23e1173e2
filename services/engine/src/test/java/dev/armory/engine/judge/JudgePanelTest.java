package dev.armory.engine.judge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.engine.fixtures.LocalChatCompletionsServer;
import dev.armory.engine.fixtures.LocalChatCompletionsServer.Reply;
import dev.armory.engine.judge.llm.JudgeCallException;
import dev.armory.engine.judge.rules.Constitution;
import dev.armory.engine.judge.rules.ConstitutionReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JudgePanelTest {
  static final Constitution RULES =
      ConstitutionReader.parse(
          """
          rules:
            - id: polite
              forbidden: "(?i)stupid"
            - id: has-number
              required: "\\\\d"
              action: score
          """,
          "test.yaml",
          "test",
          null);

  final List<LocalChatCompletionsServer> servers = new ArrayList<>();

  @AfterEach
  void stop() {
    servers.forEach(LocalChatCompletionsServer::close);
  }

  private LocalChatCompletionsServer server(
      java.util.function.Function<LocalChatCompletionsServer.Request, Reply> brain)
      throws Exception {
    LocalChatCompletionsServer s = LocalChatCompletionsServer.start(brain);
    servers.add(s);
    return s;
  }

  private static Candidate c(int i, String text) {
    return new Candidate(i, text, -1);
  }

  @Test
  void rulesVetoAndRankBeforeAnyLlmIsAsked() throws Exception {
    LocalChatCompletionsServer s = server(JudgeBrains.prefers("blue"));
    JudgePanel panel = new JudgePanel(RULES, List.of(JudgeBrains.judge(s)));

    PairDecision veto = panel.decide("q", c(0, "a stupid 4"), c(1, "blue sky"));
    assertEquals(PairDecision.Outcome.SECOND, veto.outcome(), "the vetoed answer loses");
    assertEquals("rules:test", veto.decidedBy());
    assertTrue(
        veto.rationale("first", "second").contains("first vetoed by polite: forbidden pattern"),
        veto.rationale("first", "second"));

    PairDecision score = panel.decide("q", c(0, "it is 4"), c(1, "blue four"));
    assertEquals(PairDecision.Outcome.FIRST, score.outcome(), "the higher rule score wins");
    assertEquals("rules:test", score.decidedBy());

    PairDecision both = panel.decide("q", c(0, "stupid"), c(1, "so stupid"));
    assertEquals(PairDecision.Outcome.BOTH_VETOED, both.outcome());
    assertNull(both.decidedBy());
    assertEquals(0, s.requests().size(), "no LLM is asked while the rules decide");

    PairDecision llm = panel.decide("q", c(0, "red 1"), c(1, "blue 2"));
    assertEquals(PairDecision.Outcome.SECOND, llm.outcome());
    assertEquals("llm:openai:local-judge@127.0.0.1:" + s.baseUrl().getPort(), llm.decidedBy());
    assertEquals(2, s.requests().size(), "both orders asked");
    assertEquals(2, llm.votesSecond());
    // The second order really swapped the answers.
    assertEquals("red 1", JudgeBrains.answers(s.requests().get(0))[0]);
    assertEquals("blue 2", JudgeBrains.answers(s.requests().get(1))[0]);
  }

  @Test
  void positionSwapDisagreementDropsThePair() throws Exception {
    LocalChatCompletionsServer s = server(JudgeBrains.alwaysA());
    JudgePanel panel = new JudgePanel(null, List.of(JudgeBrains.judge(s)));
    PairDecision d = panel.decide("q", c(0, "one"), c(1, "two"));
    assertEquals(PairDecision.Outcome.POSITION_DISAGREEMENT, d.outcome());
    assertEquals(1, d.votesFirst());
    assertEquals(1, d.votesSecond());
    assertEquals(2, s.requests().size());
  }

  @Test
  void anUnparseableReplyIsCountedNotUsed() throws Exception {
    LocalChatCompletionsServer s = server(JudgeBrains.rambles());
    JudgePanel panel = new JudgePanel(null, List.of(JudgeBrains.judge(s)));
    PairDecision d = panel.decide("q", c(0, "one"), c(1, "two"));
    assertEquals(PairDecision.Outcome.UNPARSEABLE, d.outcome());
    assertEquals(1, d.unparseableReplies());
    assertTrue(d.problem().contains("no final answer found"), d.problem());
    assertEquals(
        1, s.requests().size(), "the swapped order is not asked after an unparseable reply");
  }

  @Test
  void judgesMustAgreeWithEachOther() throws Exception {
    JudgePanel agree =
        new JudgePanel(
            null,
            List.of(
                JudgeBrains.judge(server(JudgeBrains.prefers("blue"))),
                JudgeBrains.judge(server(JudgeBrains.prefersLonger()))));
    PairDecision kept = agree.decide("q", c(0, "blue and long"), c(1, "red"));
    assertEquals(PairDecision.Outcome.FIRST, kept.outcome());
    assertEquals(4, kept.votesFirst());
    assertTrue(kept.decidedBy().contains("+"), kept.decidedBy());

    PairDecision split = agree.decide("q", c(0, "blue"), c(1, "red and long"));
    assertEquals(PairDecision.Outcome.JUDGES_DISAGREE, split.outcome());

    JudgePanel tie =
        new JudgePanel(null, List.of(JudgeBrains.judge(server(JudgeBrains.prefers("blue")))));
    assertEquals(PairDecision.Outcome.TIE, tie.decide("q", c(0, "red"), c(1, "green")).outcome());
    assertEquals(
        PairDecision.Outcome.IDENTICAL, tie.decide("q", c(0, "red"), c(1, "red")).outcome());
  }

  @Test
  void judgeErrorsDropThePairButFatalOnesStopTheRun() throws Exception {
    JudgePanel flaky =
        new JudgePanel(
            null, List.of(JudgeBrains.judge(server(r -> Reply.error(503, "busy", Map.of())))));
    PairDecision d = flaky.decide("q", c(0, "one"), c(1, "two"));
    assertEquals(PairDecision.Outcome.JUDGE_ERROR, d.outcome());
    assertTrue(d.problem().contains("HTTP 503: busy"), d.problem());

    JudgePanel locked =
        new JudgePanel(
            null, List.of(JudgeBrains.judge(server(r -> Reply.error(401, "bad key", Map.of())))));
    JudgeCallException e =
        assertThrows(JudgeCallException.class, () -> locked.decide("q", c(0, "one"), c(1, "two")));
    assertTrue(e.fatal());
  }

  @Test
  void withoutLlmJudgesEqualRuleScoresAreUndecided() {
    JudgePanel rulesOnly = new JudgePanel(RULES, List.of());
    assertEquals(
        PairDecision.Outcome.UNDECIDED, rulesOnly.decide("q", c(0, "one"), c(1, "two")).outcome());
    assertThrows(IllegalArgumentException.class, () -> new JudgePanel(null, List.of()));
  }
}
