package dev.armory.operator.reconcile;

import dev.armory.operator.model.TrainingReport;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The latest trainer report per run id, fed by the event consumers and read by the reconciler. The
 * status is the durable record; this only holds what arrived since the operator started.
 */
public final class RunReports {

  private final Map<String, TrainingReport> byRunId = new ConcurrentHashMap<>();
  private volatile Consumer<String> listener = runId -> {};

  /** Keeps the report (merged with what is known, never moving a run backwards). */
  public void record(TrainingReport report) {
    TrainingReport before = byRunId.get(report.runId());
    TrainingReport after = byRunId.merge(report.runId(), report, TrainingReport::merge);
    if (!after.equals(before)) {
      listener.accept(report.runId());
    }
  }

  /** The latest report for the run, if any arrived. */
  public Optional<TrainingReport> get(String runId) {
    return Optional.ofNullable(byRunId.get(runId));
  }

  /** Called with the run id whenever a run's report changes. */
  void onChange(Consumer<String> listener) {
    this.listener = listener;
  }
}
