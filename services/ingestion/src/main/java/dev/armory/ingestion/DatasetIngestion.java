package dev.armory.ingestion;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.armory.engine.data.BadLine;
import dev.armory.engine.data.Dataset;
import dev.armory.engine.data.DatasetException;
import dev.armory.engine.data.DatasetLine;
import dev.armory.engine.data.Duplicates;
import dev.armory.engine.data.EvalSplit;
import dev.armory.engine.data.JsonlDatasetReader;
import dev.armory.engine.data.JsonlDatasetWriter;
import dev.armory.engine.data.ReadOptions;
import dev.armory.engine.tokenizer.HfTokenizer;
import dev.armory.events.v1.ArtifactKind;
import dev.armory.events.v1.ArtifactRef;
import dev.armory.events.v1.DatasetIngestRequested;
import dev.armory.events.v1.DatasetIngested;
import dev.armory.events.v1.DatasetKind;
import dev.armory.events.v1.DatasetRejected;
import dev.armory.events.v1.LineError;
import dev.armory.events.v1.TokenStats;
import dev.armory.platform.store.ArtifactExistsException;
import dev.armory.platform.store.ArtifactManifest;
import dev.armory.platform.store.ArtifactStore;
import dev.armory.platform.store.ManifestDetails;
import dev.armory.platform.store.StagedArtifact;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a JSONL file into a stored dataset: validated and normalised by the engine's data package
 * (bad lines skipped and reported), exact duplicates removed, split into train and eval by content
 * hash, token statistics measured with the base model's tokenizer, and committed to the artifact
 * store as {@code datasets/<id>/} (train.jsonl, eval.jsonl, source.jsonl, report.json,
 * manifest.json). The same dataset id is stored once: asking again with the same source content
 * returns the stored result.
 */
@Singleton
public class DatasetIngestion {

  /** What an ingestion did. */
  public enum Status {
    /** Stored now. */
    INGESTED,
    /** The same content was stored under this id before; nothing was written. */
    ALREADY_STORED,
    /** Not stored: the data (or the request) is unusable. */
    REJECTED,
    /** Not stored: the id holds different content already. */
    CONFLICT
  }

  /**
   * The result and the event to publish (DatasetIngested, or DatasetRejected).
   *
   * @param status what happened
   * @param ingested set unless rejected
   * @param rejected set when rejected or in conflict
   */
  public record Outcome(Status status, DatasetIngested ingested, DatasetRejected rejected) {
    public boolean stored() {
      return ingested != null;
    }
  }

  static final ObjectMapper REPORT_JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

  private final ArtifactStore store;
  private final IngestionConfig config;

  public DatasetIngestion(ArtifactStore store, IngestionConfig config) {
    this.store = store;
    this.config = config;
  }

  /**
   * Ingests a request whose source_uri names a local file (path or file: URI, relative to the store
   * root).
   */
  public Outcome ingest(DatasetIngestRequested request) {
    if (request.getSourceUri().isEmpty()) {
      return rejected(request, "source_uri is empty: name the JSONL file to ingest", List.of(), 0);
    }
    Path source;
    try {
      source = store.resolveUri(request.getSourceUri());
    } catch (IllegalArgumentException e) {
      return rejected(request, e.getMessage(), List.of(), 0);
    }
    return ingest(request, source);
  }

  /** Ingests the JSONL at {@code source} (an upload's temporary file, or the request's file). */
  public Outcome ingest(DatasetIngestRequested request, Path source) {
    String id = request.getDatasetId();
    try {
      ArtifactStore.checkId(id);
    } catch (IllegalArgumentException e) {
      return rejected(request, "dataset_id: " + e.getMessage(), List.of(), 0);
    }
    if (!Files.isRegularFile(source)) {
      return rejected(
          request,
          "source " + request.getSourceUri() + " (" + source + ") is not a readable file",
          List.of(),
          0);
    }
    String sourceSha;
    try {
      sourceSha = ArtifactStore.sha256(source);
    } catch (IOException e) {
      return rejected(
          request, "source " + source + " cannot be read: " + e.getMessage(), List.of(), 0);
    }
    if (store.exists(ArtifactKind.ARTIFACT_KIND_DATASET, id)) {
      return existing(request, sourceSha);
    }

    Dataset data;
    try {
      data =
          JsonlDatasetReader.read(
              request.getSourceUri(), Files.newInputStream(source), readOptions());
    } catch (DatasetException e) {
      return rejected(request, e.getMessage(), e.badLines(), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long nonBlank = data.records().size() + data.badLines().size();
    double badFraction = (double) data.badLines().size() / nonBlank;
    double maxBad =
        request.getMaxBadLineFraction() > 0
            ? request.getMaxBadLineFraction()
            : config.maxBadLineFraction();
    if (badFraction > maxBad) {
      return rejected(
          request,
          String.format(
              "%s: %d of %d lines are bad (%.0f%% > the %.0f%% allowed); fix the data or raise"
                  + " max_bad_line_fraction",
              request.getSourceUri(),
              data.badLines().size(),
              nonBlank,
              100 * badFraction,
              100 * maxBad),
          data.badLines(),
          data.lineCount());
    }
    DatasetKind kind =
        data.isPreference() ? DatasetKind.DATASET_KIND_PREFERENCE : DatasetKind.DATASET_KIND_SFT;
    if (request.getKind() != DatasetKind.DATASET_KIND_UNSPECIFIED && request.getKind() != kind) {
      return rejected(
          request,
          request.getSourceUri()
              + " holds "
              + (data.isPreference() ? "preference pairs" : "supervised records")
              + " but the request asked for "
              + request.getKind()
              + "; send the matching kind or leave it unspecified",
          List.of(),
          data.lineCount());
    }

    Duplicates.Deduplicated dedup = Duplicates.deduplicate(data.records());
    Dataset unique = data.withRecords(dedup.kept());
    double fraction =
        request.getEvalFraction() > 0 ? request.getEvalFraction() : config.evalFraction();
    long seed = request.getSplitSeed() != 0 ? request.getSplitSeed() : config.splitSeed();
    EvalSplit.Split split;
    try {
      split = EvalSplit.heldOut(unique, fraction, seed);
    } catch (IllegalArgumentException e) {
      return rejected(request, "eval_fraction: " + e.getMessage(), List.of(), data.lineCount());
    }

    List<IngestionReport.Line> tokenizerWarnings = new ArrayList<>();
    TokenStats tokenStats = null;
    if (request.hasTokenizerModel()) {
      Path modelDir;
      try {
        modelDir = store.resolve(request.getTokenizerModel());
      } catch (IllegalArgumentException e) {
        return rejected(request, "tokenizer_model: " + e.getMessage(), List.of(), data.lineCount());
      }
      int maxSeqLen = request.getMaxSeqLen() > 0 ? request.getMaxSeqLen() : config.maxSeqLen();
      try (HfTokenizer tokenizer = HfTokenizer.load(modelDir)) {
        tokenStats =
            TokenStatistics.compute(
                tokenizer,
                modelName(request.getTokenizerModel()),
                unique,
                maxSeqLen,
                tokenizerWarnings);
      } catch (RuntimeException e) {
        return rejected(
            request,
            "tokenizer_model "
                + modelDir
                + " cannot be loaded: "
                + e.getMessage()
                + " (it needs tokenizer.json; or leave tokenizer_model unset to skip token statistics)",
            List.of(),
            data.lineCount());
      }
    }

    Map<String, Long> formats = new TreeMap<>();
    for (DatasetLine line : unique.records()) {
      formats.merge(line.format().id(), 1L, Long::sum);
    }
    IngestionReport report =
        new IngestionReport(
            id,
            request.getSourceUri(),
            sourceSha,
            data.lineCount(),
            unique.records().size(),
            lines(data.badLines()),
            dedup.removed().stream()
                .map(d -> new IngestionReport.Duplicate(d.line(), d.firstLine()))
                .toList(),
            tokenizerWarnings,
            formats);

    Map<String, Object> details = new LinkedHashMap<>();
    details.put("kind", kind.name());
    details.put("source_uri", request.getSourceUri());
    details.put("source_sha256", sourceSha);
    details.put("lines_read", (long) data.lineCount());
    details.put("records_accepted", (long) unique.records().size());
    details.put("bad_lines", (long) data.badLines().size());
    details.put("duplicates_removed", (long) dedup.removed().size());
    details.put("train_records", (long) split.train().records().size());
    details.put("eval_records", (long) split.eval().records().size());
    details.put("formats", formats);
    if (tokenStats != null) {
      details.put("token_stats", DatasetSummaries.tokenStatsMap(tokenStats));
    }
    ManifestDetails manifest =
        ManifestDetails.create()
            .producer("ingestion")
            .parentUri("source", request.getSourceUri(), sourceSha)
            .hyperparameter("eval_fraction", fraction)
            .hyperparameter("split_seed", seed)
            .labels(request.getLabelsMap());
    if (request.hasTokenizerModel()) {
      manifest.parent("tokenizer_model", request.getTokenizerModel());
    }
    details.forEach(manifest::detail);

    try (StagedArtifact staged = store.stage(ArtifactKind.ARTIFACT_KIND_DATASET, id)) {
      JsonlDatasetWriter.write(
          staged.dir().resolve(DatasetSummaries.TRAIN), split.train().records());
      JsonlDatasetWriter.write(staged.dir().resolve(DatasetSummaries.EVAL), split.eval().records());
      Files.copy(source, staged.dir().resolve(DatasetSummaries.SOURCE));
      REPORT_JSON.writeValue(staged.dir().resolve(DatasetSummaries.REPORT).toFile(), report);
      ArtifactManifest m = staged.commit(manifest);
      return new Outcome(Status.INGESTED, summaries().ingested(m), null);
    } catch (ArtifactExistsException e) {
      // Another delivery or upload stored the same id meanwhile.
      return existing(request, sourceSha);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write dataset " + id + " to the store", e);
    }
  }

  private Outcome existing(DatasetIngestRequested request, String sourceSha) {
    String id = request.getDatasetId();
    ArtifactManifest m = store.manifest(ArtifactKind.ARTIFACT_KIND_DATASET, id).orElseThrow();
    Object storedSha = m.details() == null ? null : m.details().get("source_sha256");
    if (sourceSha.equals(storedSha)) {
      return new Outcome(Status.ALREADY_STORED, summaries().ingested(m), null);
    }
    DatasetRejected rejected =
        DatasetRejected.newBuilder()
            .setDatasetId(id)
            .setReason(
                "dataset "
                    + id
                    + " already exists with other content (source sha256 "
                    + storedSha
                    + ", this one "
                    + sourceSha
                    + "); datasets are immutable: use a new dataset_id")
            .build();
    return new Outcome(Status.CONFLICT, null, rejected);
  }

  private Outcome rejected(
      DatasetIngestRequested request, String reason, List<BadLine> badLines, long linesRead) {
    DatasetRejected.Builder b =
        DatasetRejected.newBuilder()
            .setDatasetId(request.getDatasetId())
            .setReason(reason)
            .setLinesRead(linesRead);
    for (BadLine bad : badLines.subList(0, Math.min(badLines.size(), config.maxReportedErrors()))) {
      b.addErrors(LineError.newBuilder().setLine(bad.line()).setReason(bad.reason()));
    }
    return new Outcome(Status.REJECTED, null, b.build());
  }

  private DatasetSummaries summaries() {
    return new DatasetSummaries(store, config.maxReportedErrors());
  }

  private ReadOptions readOptions() {
    // Every supported format is accepted, mixed or not: lines are normalised per record.
    return new ReadOptions(null, true, true);
  }

  private static List<IngestionReport.Line> lines(List<BadLine> bad) {
    return bad.stream().map(b -> new IngestionReport.Line(b.line(), b.reason())).toList();
  }

  private static String modelName(ArtifactRef ref) {
    return ref.getId().isEmpty() ? ref.getUri() : ref.getId();
  }
}
