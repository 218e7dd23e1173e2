package dev.armory.trainer;

import dev.armory.events.v1.TrainingRequested;
import dev.armory.platform.events.ConsumedEvent;
import dev.armory.platform.events.EventHandler;
import dev.armory.platform.events.InvalidEventException;
import dev.armory.platform.store.ArtifactStore;

/**
 * Consumes {@code armory.training.requested}: checks the request can name a run, then hands it to
 * the {@link TrainerService}. A request without a usable run id, base model or dataset goes to the
 * dead-letter topic; the run id defaults to the record key.
 */
public final class TrainingRequestHandler implements EventHandler {
  private final TrainerService service;

  public TrainingRequestHandler(TrainerService service) {
    this.service = service;
  }

  @Override
  public void handle(ConsumedEvent event) throws InvalidEventException {
    TrainingRequested t = event.payload(TrainingRequested.class);
    String runId = t.getRunId().isEmpty() ? event.envelope().getSubjectId() : t.getRunId();
    try {
      ArtifactStore.checkId(runId);
    } catch (IllegalArgumentException e) {
      throw InvalidEventException.invalid("TrainingRequested run_id: " + e.getMessage());
    }
    if (!t.hasBaseModel()
        || (t.getBaseModel().getId().isEmpty() && t.getBaseModel().getUri().isEmpty())) {
      throw InvalidEventException.invalid(
          "TrainingRequested " + runId + " has no base_model: set its id (in the store) or uri");
    }
    if (!t.hasDataset()
        || (t.getDataset().getId().isEmpty() && t.getDataset().getUri().isEmpty())) {
      throw InvalidEventException.invalid(
          "TrainingRequested " + runId + " has no dataset: set its id (ingested) or uri");
    }
    String key = t.getIdempotencyKey().isEmpty() ? runId : t.getIdempotencyKey();
    service.accept(
        runId,
        key,
        t.toBuilder().setRunId(runId).setIdempotencyKey(key).build(),
        event.envelope().getEventId(),
        event.envelope().getTraceId());
  }
}
