package dev.armory.judge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.armory.engine.data.Dataset;
import dev.armory.engine.data.DatasetLine;
import dev.armory.engine.data.Duplicates;
import dev.armory.engine.data.EvalSplit;
import dev.armory.engine.data.JsonlDatasetReader;
import dev.armory.engine.data.JsonlDatasetWriter;
import dev.armory.engine.data.ReadOptions;
import dev.armory.engine.judge.PreferenceRun;
import dev.armory.engine.judge.PreferenceWriter;
import dev.armory.events.v1.ArtifactKind;
import dev.armory.events.v1.ArtifactRef;
import dev.armory.events.v1.DatasetIngested;
import dev.armory.events.v1.DatasetKind;
import dev.armory.platform.store.ArtifactManifest;
import dev.armory.platform.store.ArtifactStore;
import dev.armory.platform.store.ManifestDetails;
import dev.armory.platform.store.StagedArtifact;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Stores preference pairs as a dataset in the layout the ingestion service uses, so the trainer
 * reads it like any ingested dataset: {@code datasets/<id>/} with train.jsonl and eval.jsonl
 * (normalised records, split by content hash), source.jsonl (every pair with its judge, rationale
 * and scores), report.json, judge-summary.json and manifest.json.
 */
final class PreferenceDatasets {
  static final String TRAIN = "train.jsonl";
  static final String EVAL = "eval.jsonl";
  static final String SOURCE = "source.jsonl";
  static final String REPORT = "report.json";
  static final String SUMMARY = "judge-summary.json";

  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final ArtifactStore store;
  private final double evalFraction;
  private final long splitSeed;

  PreferenceDatasets(ArtifactStore store, double evalFraction, long splitSeed) {
    this.store = store;
    this.evalFraction = evalFraction;
    this.splitSeed = splitSeed;
  }

  /**
   * Commits the run's pairs as dataset {@code id}.
   *
   * @param summary judge-summary.json's content (the run's counts and who judged)
   * @param parents manifest parents by role (prompt set, candidate model, judges)
   * @throws dev.armory.platform.store.ArtifactExistsException when the id is taken meanwhile
   */
  ArtifactManifest store(
      String id,
      String runId,
      PreferenceRun run,
      ObjectNode summary,
      Map<String, ArtifactRef> parents,
      Map<String, String> labels) {
    try (StagedArtifact staged = store.stage(ArtifactKind.ARTIFACT_KIND_DATASET, id)) {
      Path source = staged.dir().resolve(SOURCE);
      PreferenceWriter.write(source, run.records());
      String sourceSha = ArtifactStore.sha256(source);
      // Read back with the trainer's reader: what is stored is exactly what DPO will see.
      Dataset data = JsonlDatasetReader.read(source, new ReadOptions(null, false, true));
      if (!data.badLines().isEmpty() || !data.isPreference()) {
        throw new IllegalStateException(
            "the judge wrote pairs the dataset reader does not accept as preference records: "
                + data.report());
      }
      Duplicates.Deduplicated dedup = Duplicates.deduplicate(data.records());
      Dataset unique = data.withRecords(dedup.kept());
      EvalSplit.Split split = EvalSplit.heldOut(unique, evalFraction, splitSeed);
      JsonlDatasetWriter.write(staged.dir().resolve(TRAIN), split.train().records());
      JsonlDatasetWriter.write(staged.dir().resolve(EVAL), split.eval().records());
      Map<String, Long> formats = new TreeMap<>();
      for (DatasetLine line : unique.records()) {
        formats.merge(line.format().id(), 1L, Long::sum);
      }
      String sourceUri = "judge:" + runId;
      Map<String, Object> report = new LinkedHashMap<>();
      report.put("dataset_id", id);
      report.put("source_uri", sourceUri);
      report.put("source_sha256", sourceSha);
      report.put("lines_read", (long) data.lineCount());
      report.put("records_accepted", (long) unique.records().size());
      report.put("bad_lines", List.of());
      List<Map<String, Long>> duplicates = new ArrayList<>();
      dedup
          .removed()
          .forEach(
              d ->
                  duplicates.add(
                      Map.of("line", (long) d.line(), "first_line", (long) d.firstLine())));
      report.put("duplicates", duplicates);
      report.put("tokenizer_warnings", List.of());
      report.put("formats", formats);
      JSON.writeValue(staged.dir().resolve(REPORT).toFile(), report);
      JSON.writeValue(staged.dir().resolve(SUMMARY).toFile(), summary);

      ManifestDetails manifest =
          ManifestDetails.create()
              .producer("judge")
              .parentUri("source", sourceUri, sourceSha)
              .hyperparameter("eval_fraction", evalFraction)
              .hyperparameter("split_seed", splitSeed)
              .labels(labels)
              .label("judge_run", runId)
              .detail("kind", DatasetKind.DATASET_KIND_PREFERENCE.name())
              .detail("source_uri", sourceUri)
              .detail("source_sha256", sourceSha)
              .detail("lines_read", (long) data.lineCount())
              .detail("records_accepted", (long) unique.records().size())
              .detail("bad_lines", 0L)
              .detail("duplicates_removed", (long) dedup.removed().size())
              .detail("train_records", (long) split.train().records().size())
              .detail("eval_records", (long) split.eval().records().size())
              .detail("formats", formats)
              .detail("judge_run", runId)
              .detail("judge", JSON.convertValue(summary, Map.class));
      parents.forEach(manifest::parent);
      return staged.commit(manifest);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write preference dataset " + id + " to the store", e);
    }
  }

  /** The DatasetIngested announcing a stored preference dataset (built from its manifest). */
  DatasetIngested ingested(ArtifactManifest m) {
    Map<String, Object> d = m.details();
    Path dir = store.dir(ArtifactKind.ARTIFACT_KIND_DATASET, m.id());
    DatasetIngested.Builder b =
        DatasetIngested.newBuilder()
            .setDatasetId(m.id())
            .setDataset(
                ArtifactRef.newBuilder()
                    .setKind(ArtifactKind.ARTIFACT_KIND_DATASET)
                    .setId(m.id())
                    .setSha256(m.sha256()))
            .setKind(DatasetKind.valueOf((String) d.get("kind")))
            .setLinesRead(number(d, "lines_read"))
            .setRecordsAccepted(number(d, "records_accepted"))
            .setBadLines(number(d, "bad_lines"))
            .setDuplicatesRemoved(number(d, "duplicates_removed"))
            .setTrainRecords(number(d, "train_records"))
            .setEvalRecords(number(d, "eval_records"))
            .setReportPath(store.relative(dir.resolve(REPORT)))
            .setManifestPath(store.relative(dir.resolve(ArtifactManifest.FILE_NAME)));
    if (d.get("formats") instanceof Map<?, ?> formats) {
      formats.forEach((k, v) -> b.putFormats(String.valueOf(k), ((Number) v).longValue()));
    }
    return b.build();
  }

  /** judge-summary.json of a stored preference dataset. */
  ObjectNode summary(String id) {
    Path file = store.dir(ArtifactKind.ARTIFACT_KIND_DATASET, id).resolve(SUMMARY);
    try {
      return (ObjectNode) JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static long number(Map<?, ?> m, String key) {
    Object v = m.get(key);
    return v == null ? 0 : ((Number) v).longValue();
  }
}
