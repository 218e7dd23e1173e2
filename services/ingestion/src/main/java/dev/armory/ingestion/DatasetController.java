package dev.armory.ingestion;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.google.protobuf.Message;
import dev.armory.events.v1.ArtifactKind;
import dev.armory.events.v1.ArtifactRef;
import dev.armory.events.v1.DatasetIngestRequested;
import dev.armory.events.v1.DatasetKind;
import dev.armory.platform.events.EventCodec;
import dev.armory.platform.store.ArtifactStore;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.multipart.CompletedFileUpload;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * HTTP upload of datasets: {@code POST /datasets/{id}} with a JSONL body (application/x-ndjson,
 * application/jsonl or text/plain) or multipart/form-data with a {@code file} part; options as
 * query parameters. Answers with the DatasetIngested (201, or 200 when already stored) or
 * DatasetRejected (422; 409 when the id holds other content) as proto3 JSON, and publishes the same
 * event.
 */
@Controller("/datasets")
@ExecuteOn(TaskExecutors.BLOCKING)
public class DatasetController {

  private final DatasetIngestion ingestion;
  private final IngestRequestHandler events;
  private final ArtifactStore store;

  public DatasetController(
      DatasetIngestion ingestion, IngestRequestHandler events, ArtifactStore store) {
    this.ingestion = ingestion;
    this.events = events;
    this.store = store;
  }

  /** Upload options, all optional (query parameters). */
  public record Options(
      @Nullable Double evalFraction,
      @Nullable Long seed,
      @Nullable Integer maxSeqLen,
      @Nullable String tokenizerModel,
      @Nullable String tokenizerUri,
      @Nullable String kind,
      @Nullable Double maxBadLineFraction) {}

  @Post(
      value = "/{datasetId}",
      consumes = {
        "application/x-ndjson",
        "application/jsonl",
        MediaType.TEXT_PLAIN,
        MediaType.APPLICATION_OCTET_STREAM
      },
      produces = MediaType.APPLICATION_JSON)
  public HttpResponse<String> uploadJsonl(
      @PathVariable String datasetId,
      @Body InputStream body,
      @Nullable @QueryValue Double evalFraction,
      @Nullable @QueryValue Long seed,
      @Nullable @QueryValue Integer maxSeqLen,
      @Nullable @QueryValue String tokenizerModel,
      @Nullable @QueryValue String tokenizerUri,
      @Nullable @QueryValue String kind,
      @Nullable @QueryValue Double maxBadLineFraction)
      throws IOException {
    Options o =
        new Options(
            evalFraction, seed, maxSeqLen, tokenizerModel, tokenizerUri, kind, maxBadLineFraction);
    return ingestUpload(datasetId, datasetId + ".jsonl", body, o);
  }

  @Post(
      value = "/{datasetId}",
      consumes = MediaType.MULTIPART_FORM_DATA,
      produces = MediaType.APPLICATION_JSON)
  public HttpResponse<String> uploadMultipart(
      @PathVariable String datasetId,
      CompletedFileUpload file,
      @Nullable @QueryValue Double evalFraction,
      @Nullable @QueryValue Long seed,
      @Nullable @QueryValue Integer maxSeqLen,
      @Nullable @QueryValue String tokenizerModel,
      @Nullable @QueryValue String tokenizerUri,
      @Nullable @QueryValue String kind,
      @Nullable @QueryValue Double maxBadLineFraction)
      throws IOException {
    Options o =
        new Options(
            evalFraction, seed, maxSeqLen, tokenizerModel, tokenizerUri, kind, maxBadLineFraction);
    try (InputStream in = file.getInputStream()) {
      return ingestUpload(datasetId, file.getFilename(), in, o);
    }
  }

  /** The stored dataset's manifest. */
  @Get(value = "/{datasetId}", produces = MediaType.APPLICATION_JSON)
  public HttpResponse<String> manifest(@PathVariable String datasetId) throws IOException {
    return file(datasetId, "manifest.json");
  }

  /** The stored dataset's report: bad lines, duplicates, tokenizer warnings. */
  @Get(value = "/{datasetId}/report", produces = MediaType.APPLICATION_JSON)
  public HttpResponse<String> report(@PathVariable String datasetId) throws IOException {
    return file(datasetId, DatasetSummaries.REPORT);
  }

  private HttpResponse<String> file(String datasetId, String name) throws IOException {
    Path dir;
    try {
      dir = store.dir(ArtifactKind.ARTIFACT_KIND_DATASET, datasetId);
    } catch (IllegalArgumentException e) {
      return error(HttpStatus.BAD_REQUEST, e.getMessage());
    }
    if (!store.exists(ArtifactKind.ARTIFACT_KIND_DATASET, datasetId)) {
      return error(HttpStatus.NOT_FOUND, "no dataset '" + datasetId + "' in the store");
    }
    return HttpResponse.ok(Files.readString(dir.resolve(name)));
  }

  private HttpResponse<String> ingestUpload(
      String datasetId, String filename, InputStream body, Options o) throws IOException {
    DatasetIngestRequested request;
    try {
      request = request(datasetId, filename, o);
    } catch (IllegalArgumentException e) {
      return error(HttpStatus.BAD_REQUEST, e.getMessage());
    }
    Path uploads = Files.createDirectories(store.root().resolve(".staging").resolve("uploads"));
    Path tmp = uploads.resolve(UUID.randomUUID() + ".jsonl");
    try {
      Files.copy(body, tmp, StandardCopyOption.REPLACE_EXISTING);
      DatasetIngestion.Outcome outcome = ingestion.ingest(request, tmp);
      try {
        events.publish(null, outcome);
      } catch (RuntimeException e) {
        // The data is stored (or refused) either way; only the announcement is missing, and
        // uploading the same data again re-publishes it.
        return error(
            HttpStatus.SERVICE_UNAVAILABLE,
            "dataset "
                + datasetId
                + " was "
                + (outcome.stored() ? "stored" : "refused")
                + " but its event could not be published ("
                + e.getMessage()
                + "); upload it again once Kafka is reachable");
      }
      return respond(outcome);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static DatasetIngestRequested request(String datasetId, String filename, Options o) {
    DatasetIngestRequested.Builder b =
        DatasetIngestRequested.newBuilder()
            .setDatasetId(datasetId)
            .setSourceUri(
                "upload:" + (filename == null || filename.isBlank() ? datasetId : filename));
    if (o.evalFraction() != null) {
      b.setEvalFraction(o.evalFraction());
    }
    if (o.seed() != null) {
      b.setSplitSeed(o.seed());
    }
    if (o.maxSeqLen() != null) {
      b.setMaxSeqLen(o.maxSeqLen());
    }
    if (o.maxBadLineFraction() != null) {
      b.setMaxBadLineFraction(o.maxBadLineFraction());
    }
    if (o.tokenizerModel() != null) {
      b.setTokenizerModel(
          ArtifactRef.newBuilder()
              .setKind(ArtifactKind.ARTIFACT_KIND_MODEL)
              .setId(o.tokenizerModel()));
    } else if (o.tokenizerUri() != null) {
      b.setTokenizerModel(
          ArtifactRef.newBuilder()
              .setKind(ArtifactKind.ARTIFACT_KIND_MODEL)
              .setUri(o.tokenizerUri()));
    }
    if (o.kind() != null) {
      switch (o.kind().toLowerCase(Locale.ROOT)) {
        case "sft":
          b.setKind(DatasetKind.DATASET_KIND_SFT);
          break;
        case "preference":
        case "dpo":
          b.setKind(DatasetKind.DATASET_KIND_PREFERENCE);
          break;
        default:
          throw new IllegalArgumentException("kind '" + o.kind() + "' is not sft or preference");
      }
    }
    return b.build();
  }

  private static HttpResponse<String> respond(DatasetIngestion.Outcome outcome) {
    switch (outcome.status()) {
      case INGESTED:
        return HttpResponse.<String>status(HttpStatus.CREATED).body(json(outcome.ingested()));
      case ALREADY_STORED:
        return HttpResponse.ok(json(outcome.ingested()));
      case CONFLICT:
        return HttpResponse.<String>status(HttpStatus.CONFLICT).body(json(outcome.rejected()));
      default:
        return HttpResponse.<String>status(HttpStatus.UNPROCESSABLE_ENTITY)
            .body(json(outcome.rejected()));
    }
  }

  private static HttpResponse<String> error(HttpStatus status, String message) {
    try {
      return HttpResponse.<String>status(status)
          .body(DatasetIngestion.REPORT_JSON.writeValueAsString(Map.of("error", message)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String json(Message m) {
    return EventCodec.toJson(m);
  }
}
