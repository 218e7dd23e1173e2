package dev.armory.engine.judge;

import java.util.List;

/** The result of a preference run: the kept pairs in prompt order, and the counts. */
public record PreferenceRun(List<PreferenceRecord> records, PreferenceSummary summary) {
  public PreferenceRun {
    records = List.copyOf(records);
  }
}
