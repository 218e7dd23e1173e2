package dev.armory.ingestion;

import dev.armory.events.v1.DatasetIngestRequested;
import dev.armory.events.v1.Envelope;
import dev.armory.platform.events.ConsumedEvent;
import dev.armory.platform.events.EventHandler;
import dev.armory.platform.events.EventProducer;
import dev.armory.platform.events.Events;
import dev.armory.platform.events.InvalidEventException;
import dev.armory.platform.store.ProcessedKeys;
import jakarta.inject.Singleton;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles DatasetIngestRequested: ingests once per idempotency key (default: the dataset id) and
 * publishes DatasetIngested or DatasetRejected. A repeated key is acknowledged without touching the
 * data; a rejection is not remembered, so a corrected file can be sent again under the same key.
 */
@Singleton
public class IngestRequestHandler implements EventHandler {

  private static final Logger LOG = LoggerFactory.getLogger(IngestRequestHandler.class);

  private final DatasetIngestion ingestion;
  private final EventProducer producer;

  public IngestRequestHandler(DatasetIngestion ingestion, EventProducer producer) {
    this.ingestion = ingestion;
    this.producer = producer;
  }

  @Override
  public void handle(ConsumedEvent event) throws Exception {
    DatasetIngestRequested request = event.payload(DatasetIngestRequested.class);
    if (request.getDatasetId().isEmpty()) {
      throw InvalidEventException.invalid("DatasetIngestRequested has no dataset_id: set one");
    }
    String key =
        request.getIdempotencyKey().isEmpty()
            ? request.getDatasetId()
            : request.getIdempotencyKey();
    ProcessedKeys.KeyRecord done = event.processed(key).orElse(null);
    if (done != null && done.state() == ProcessedKeys.State.DONE) {
      LOG.info(
          "dataset {}: key {} already ingested by event {}; nothing to do",
          request.getDatasetId(),
          key,
          done.eventId());
      return;
    }
    DatasetIngestion.Outcome outcome = ingestion.ingest(request);
    publish(event.envelope(), outcome);
    if (outcome.stored()) {
      event
          .keys()
          .complete(
              event.scope(),
              key,
              event.envelope().getEventId(),
              Map.of("dataset", request.getDatasetId(), "status", outcome.status().name()));
    }
  }

  /** Publishes the outcome's event, continuing the request's trace. */
  void publish(Envelope cause, DatasetIngestion.Outcome outcome) {
    String id =
        outcome.stored() ? outcome.ingested().getDatasetId() : outcome.rejected().getDatasetId();
    Envelope e =
        cause == null
            ? Events.envelope(id, outcome.stored() ? outcome.ingested() : outcome.rejected())
            : Events.causedBy(
                cause, id, outcome.stored() ? outcome.ingested() : outcome.rejected());
    producer.sendAndWait(e);
    if (outcome.stored()) {
      LOG.info(
          "dataset {} {}: {} records ({} train, {} eval), {} bad lines, {} duplicates",
          id,
          outcome.status() == DatasetIngestion.Status.INGESTED ? "ingested" : "already stored",
          outcome.ingested().getRecordsAccepted(),
          outcome.ingested().getTrainRecords(),
          outcome.ingested().getEvalRecords(),
          outcome.ingested().getBadLines(),
          outcome.ingested().getDuplicatesRemoved());
    } else {
      LOG.warn("dataset {} rejected: {}", id, outcome.rejected().getReason());
    }
  }
}
