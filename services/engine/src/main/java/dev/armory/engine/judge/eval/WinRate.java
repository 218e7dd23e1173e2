package dev.armory.engine.judge.eval;

/**
 * Wins, losses and ties of a candidate against a baseline, and the win rate with its Wilson
 * interval.
 *
 * @param wins comparisons the candidate won
 * @param losses comparisons the baseline won
 * @param ties comparisons with no winner: the judges called a tie, a judge's two orders disagreed,
 *     judges disagreed with each other, both answers were vetoed, the answers were identical, or
 *     the rules saw no difference with no LLM judge to ask
 * @param excluded comparisons left out because a judge reply was unparseable or a judge could not
 *     be asked (no information either way)
 * @param tieHandling whether ties count half or are left out
 * @param confidence the interval's confidence level, e.g. 0.95
 */
public record WinRate(
    int wins, int losses, int ties, int excluded, TieHandling tieHandling, double confidence) {

  /** The comparisons the rate is computed over. */
  public int n() {
    return tieHandling == TieHandling.HALF ? wins + losses + ties : wins + losses;
  }

  /** Successes: wins, plus half the ties when they count half. */
  public double successes() {
    return tieHandling == TieHandling.HALF ? wins + ties / 2.0 : wins;
  }

  /** successes / n, or NaN when n = 0. */
  public double rate() {
    return n() == 0 ? Double.NaN : successes() / n();
  }

  /** The Wilson score interval of the rate. */
  public WilsonInterval interval() {
    return WilsonInterval.of(successes(), n(), confidence);
  }
}
