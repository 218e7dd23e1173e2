package dev.armory.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Message;
import dev.armory.engine.train.LrSchedule;
import dev.armory.engine.train.ProgressListener.EvalProgress;
import dev.armory.engine.train.ProgressListener.StepProgress;
import dev.armory.engine.train.TrainingConfig;
import dev.armory.engine.train.TrainingPlan;
import dev.armory.events.v1.TrainingProgress;
import dev.armory.events.v1.TrainingStarted;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressEventsTest {
  final List<Message> sent = new ArrayList<>();
  final AtomicLong now = new AtomicLong();

  ProgressEvents events(int everySteps, Duration interval) {
    return new ProgressEvents(
        "run-1", "local@test", "runs/run-1", everySteps, interval, sent::add, now::get);
  }

  static TrainingPlan plan(int total, int start) {
    TrainingConfig c = TrainingConfig.builder().maxSteps(total).build();
    return new TrainingPlan(
        c, total, start, 10, 5, 0, 0, 2, 100, LrSchedule.of(c, total), Path.of("run"));
  }

  static StepProgress step(int step, int total) {
    return new StepProgress(step, total, 0, 1.0 / step, 0.5, 1e-3, 20, 1000, Duration.ofSeconds(7));
  }

  List<Long> progressSteps() {
    return sent.stream()
        .filter(m -> m instanceof TrainingProgress)
        .map(m -> ((TrainingProgress) m).getStep())
        .toList();
  }

  @Test
  void startedCarriesTheResumeStepAndWhereTheRunIs() {
    events(10, Duration.ofHours(1)).started(plan(100, 40));
    TrainingStarted s = (TrainingStarted) sent.get(0);
    assertEquals("run-1", s.getRunId());
    assertEquals(100, s.getTotalSteps());
    assertEquals(40, s.getResumedFromStep());
    assertEquals("local@test", s.getWorker());
    assertEquals("runs/run-1", s.getRunPath());
  }

  @Test
  void progressIsSentEveryNStepsAndAtTheLastStep() {
    ProgressEvents p = events(10, Duration.ofHours(1));
    p.started(plan(25, 0));
    for (int i = 1; i <= 25; i++) {
      p.stepped(step(i, 25));
    }
    assertEquals(List.of(10L, 20L, 25L), progressSteps());
    TrainingProgress last = (TrainingProgress) sent.get(sent.size() - 1);
    assertEquals(1.0 / 25, last.getLoss());
    assertEquals(1e-3, last.getLearningRate());
    assertEquals(1000, last.getTokensPerSecond());
    assertEquals(7, last.getEtaSeconds());
    assertEquals(25, last.getTotalSteps());
    assertFalse(last.hasEvalLoss());
  }

  @Test
  void aSlowRunSendsProgressWhenTheIntervalPassedEvenBetweenSteps() {
    ProgressEvents p = events(1000, Duration.ofSeconds(2));
    p.started(plan(50, 0));
    p.stepped(step(1, 50));
    now.addAndGet(Duration.ofMillis(1500).toNanos());
    p.stepped(step(2, 50));
    now.addAndGet(Duration.ofMillis(600).toNanos());
    p.stepped(step(3, 50));
    p.stepped(step(4, 50));
    assertEquals(List.of(3L), progressSteps());
  }

  @Test
  void evaluationsAreAlwaysSentWithTheirEvalLoss() {
    ProgressEvents p = events(100, Duration.ofHours(1));
    p.started(plan(50, 0));
    p.stepped(step(5, 50));
    p.evaluated(new EvalProgress(5, 50, 2.5, 3.0, 2.5, 5, true));
    TrainingProgress e = (TrainingProgress) sent.get(sent.size() - 1);
    assertEquals(5, e.getStep());
    assertTrue(e.hasEvalLoss());
    assertEquals(2.5, e.getEvalLoss());
    assertEquals(1.0 / 5, e.getLoss(), "the step's own loss, not the eval window's mean");
  }
}
