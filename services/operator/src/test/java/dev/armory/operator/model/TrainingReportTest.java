package dev.armory.operator.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.armory.operator.model.TrainingReport.Kind;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Redelivered and reordered events never move a run backwards. */
class TrainingReportTest {

  private static final Instant T = Instant.parse("2026-03-01T10:00:00Z");

  @Test
  void anOlderStepArrivingLateIsIgnored() {
    TrainingReport at50 = progress(50, 1.0);
    assertSame(at50, at50.merge(progress(40, 2.0)));
    assertEquals(60, at50.merge(progress(60, 0.9)).step());
  }

  @Test
  void terminalReportsWinAndKeepTheLastFigures() {
    TrainingReport done =
        progress(90, 0.8)
            .merge(
                new TrainingReport(
                    "r", Kind.COMPLETED, 0, 0, null, null, null, null, T, null, "adapters/r"));
    assertEquals(Kind.COMPLETED, done.kind());
    assertEquals(90, done.step());
    assertEquals(0.8, done.loss());
    assertEquals("adapters/r", done.adapterRef());
    assertSame(
        done, done.merge(progress(95, 0.7)), "progress after completion is a stale redelivery");
  }

  private static TrainingReport progress(long step, double loss) {
    return new TrainingReport(
        "r", Kind.PROGRESS, step, 100, loss, null, 500.0, 10.0, T, null, null);
  }
}
