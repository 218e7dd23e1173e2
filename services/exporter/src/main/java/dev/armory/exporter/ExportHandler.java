package dev.armory.exporter;

import dev.armory.events.v1.Envelope;
import dev.armory.events.v1.ExportRequested;
import dev.armory.events.v1.ModelExported;
import dev.armory.events.v1.TrainingCompleted;
import dev.armory.platform.events.ConsumedEvent;
import dev.armory.platform.events.EventHandler;
import dev.armory.platform.events.EventProducer;
import dev.armory.platform.events.Events;
import dev.armory.platform.events.InvalidEventException;
import java.util.Map;

/**
 * Consumes ExportRequested, and TrainingCompleted whose export options are enabled; runs each
 * export once per idempotency key and publishes ModelExported (keyed by the run id when there is
 * one, else the export id). A request that cannot be exported as given (a missing model, an unknown
 * precision) goes to the dead-letter topic with the reason.
 */
public final class ExportHandler implements EventHandler {
  private final ExportService exports;
  private final EventProducer producer;

  public ExportHandler(ExportService exports, EventProducer producer) {
    this.exports = exports;
    this.producer = producer;
  }

  @Override
  public void handle(ConsumedEvent event) throws Exception {
    Envelope e = event.envelope();
    ExportJob job;
    if (e.getPayloadCase() == Envelope.PayloadCase.TRAINING_COMPLETED) {
      TrainingCompleted c = event.payload(TrainingCompleted.class);
      if (!c.getExport().getEnabled()) {
        return;
      }
      job = ExportJob.of(c);
    } else {
      job = ExportJob.of(event.payload(ExportRequested.class), e.getSubjectId());
    }
    ExportJob j = job;
    event.once(
        j.idempotencyKey(),
        () -> {
          ModelExported done;
          try {
            done = exports.export(j);
          } catch (IllegalArgumentException bad) {
            throw InvalidEventException.invalid("export " + j.exportId() + ": " + bad.getMessage());
          }
          String subject = j.runId().isEmpty() ? j.exportId() : j.runId();
          producer.sendAndWait(Events.causedBy(e, subject, done));
          return Map.of("export_id", j.exportId(), "manifest", done.getManifestPath());
        });
  }
}
