package dev.armory.engine.judge.eval;

import dev.armory.engine.judge.PairDecision;
import dev.armory.engine.judge.PromptEntry;

/**
 * One prompt of a win-rate evaluation.
 *
 * @param prompt the prompt
 * @param adapterAnswer the evaluated side's answer
 * @param baselineAnswer the baseline's answer
 * @param result the outcome for the evaluated side
 * @param decision the panel's decision (first = the evaluated side)
 */
public record Comparison(
    PromptEntry prompt,
    String adapterAnswer,
    String baselineAnswer,
    Result result,
    PairDecision decision) {
  /** The outcome for the evaluated side. */
  public enum Result {
    WIN,
    LOSS,
    TIE,
    /** Left out: unparseable judge reply or judge error. */
    EXCLUDED
  }

  /** Maps a decision (first = evaluated side) to a result; see {@link WinRate#ties()}. */
  static Result of(PairDecision.Outcome outcome) {
    return switch (outcome) {
      case FIRST -> Result.WIN;
      case SECOND -> Result.LOSS;
      case UNPARSEABLE, JUDGE_ERROR -> Result.EXCLUDED;
      case TIE, IDENTICAL, BOTH_VETOED, UNDECIDED, POSITION_DISAGREEMENT, JUDGES_DISAGREE ->
          Result.TIE;
    };
  }
}
