package dev.armory.engine.judge;

import java.util.List;

/** Told after each prompt of a preference run (on the caller's thread). */
@FunctionalInterface
public interface JudgeProgress {
  /**
   * @param index the prompt's position (0-based)
   * @param total prompts in the run
   * @param kept the pairs kept for this prompt
   * @param soFar the run's counts so far
   */
  void promptJudged(
      int index,
      int total,
      PromptEntry prompt,
      List<PreferenceRecord> kept,
      PreferenceSummary soFar);

  /** Ignores progress. */
  static JudgeProgress none() {
    return (index, total, prompt, kept, soFar) -> {};
  }
}
