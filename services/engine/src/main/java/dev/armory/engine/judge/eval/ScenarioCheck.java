package dev.armory.engine.judge.eval;

import java.util.List;

/**
 * The regression check on base scenarios (prompts with reference answers).
 *
 * @param scenarios scenarios checked
 * @param baselinePassed scenarios the baseline's answer passed
 * @param adapterPassed scenarios the evaluated side's answer passed
 * @param undetermined scenarios where a grade could not be determined (left out)
 * @param regressions scenarios the baseline passed and the evaluated side failed, in order
 * @param check what "passes" means, e.g. "no veto rule fails and the answer contains the reference"
 */
public record ScenarioCheck(
    int scenarios,
    int baselinePassed,
    int adapterPassed,
    int undetermined,
    List<Regression> regressions,
    String check) {
  public ScenarioCheck {
    regressions = List.copyOf(regressions);
  }
}
