/**
 * The ingestion service, a thin shell over the engine's data package. Reading order: {@link
 * dev.armory.ingestion.IngestionServer} (start, stop), {@link
 * dev.armory.ingestion.IngestRequestHandler} (DatasetIngestRequested events, once per key) and
 * {@link dev.armory.ingestion.DatasetController} (HTTP uploads) both call {@link
 * dev.armory.ingestion.DatasetIngestion} (validate, dedup, split, token statistics, store), which
 * writes an {@link dev.armory.ingestion.IngestionReport}; {@code DatasetSummaries} turns a stored
 * dataset back into its DatasetIngested event.
 */
package dev.armory.ingestion;
