package dev.armory.operator.events;

import com.google.protobuf.Timestamp;
import dev.armory.events.v1.ArtifactKind;
import dev.armory.events.v1.Envelope;
import dev.armory.events.v1.TrainingCompleted;
import dev.armory.events.v1.TrainingFailed;
import dev.armory.events.v1.TrainingProgress;
import dev.armory.events.v1.TrainingStarted;
import dev.armory.operator.model.RunNames;
import dev.armory.operator.model.TrainingReport;
import dev.armory.operator.model.TrainingReport.Kind;
import java.time.Instant;
import java.util.Optional;

/** The trainer's events (started, progress, completed, failed) as reports for the status. */
public final class TrainerEvents {

  /** TrainingFailed code the trainer uses for a run stopped on request. */
  public static final String CANCELLED_CODE = "CANCELLED";

  private TrainerEvents() {}

  /** The report an envelope carries, or empty for payloads the status does not use. */
  public static Optional<TrainingReport> report(Envelope e) {
    Instant at = instant(e.getCreatedAt());
    switch (e.getPayloadCase()) {
      case TRAINING_STARTED:
        {
          TrainingStarted s = e.getTrainingStarted();
          return Optional.of(
              new TrainingReport(
                  s.getRunId(),
                  Kind.STARTED,
                  s.getResumedFromStep(),
                  s.getTotalSteps(),
                  null,
                  null,
                  null,
                  null,
                  at,
                  null,
                  null));
        }
      case TRAINING_PROGRESS:
        {
          TrainingProgress p = e.getTrainingProgress();
          return Optional.of(
              new TrainingReport(
                  p.getRunId(),
                  Kind.PROGRESS,
                  p.getStep(),
                  p.getTotalSteps(),
                  p.getLoss(),
                  p.hasEvalLoss() ? p.getEvalLoss() : null,
                  p.getTokensPerSecond() > 0 ? p.getTokensPerSecond() : null,
                  p.getEtaSeconds() > 0 ? p.getEtaSeconds() : null,
                  at,
                  null,
                  null));
        }
      case TRAINING_COMPLETED:
        {
          TrainingCompleted c = e.getTrainingCompleted();
          String adapter = null;
          if (c.hasAdapter() && !c.getAdapter().getId().isBlank()) {
            adapter =
                c.getAdapter().getKind() == ArtifactKind.ARTIFACT_KIND_ADAPTER
                    ? RunNames.adapterDir(c.getAdapter().getId())
                    : c.getAdapter().getId();
          } else if (c.hasAdapter() && !c.getAdapter().getUri().isBlank()) {
            adapter = c.getAdapter().getUri();
          }
          Double loss = c.getMetricsMap().get("train_loss");
          Double evalLoss = c.getMetricsMap().get("eval_loss");
          long steps = Math.round(c.getMetricsMap().getOrDefault("steps", 0.0));
          return Optional.of(
              new TrainingReport(
                  c.getRunId(),
                  Kind.COMPLETED,
                  steps,
                  steps,
                  loss,
                  evalLoss,
                  null,
                  null,
                  at,
                  null,
                  adapter));
        }
      case TRAINING_FAILED:
        {
          TrainingFailed f = e.getTrainingFailed();
          boolean cancelled = CANCELLED_CODE.equals(f.getCode());
          String message =
              f.getReason() + (f.getCode().isBlank() || cancelled ? "" : " (" + f.getCode() + ")");
          return Optional.of(
              new TrainingReport(
                  f.getRunId(),
                  cancelled ? Kind.CANCELLED : Kind.FAILED,
                  f.getLastStep(),
                  0,
                  null,
                  null,
                  null,
                  null,
                  at,
                  message,
                  null));
        }
      default:
        return Optional.empty();
    }
  }

  private static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }
}
