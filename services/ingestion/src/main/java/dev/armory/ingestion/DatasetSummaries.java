package dev.armory.ingestion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.armory.events.v1.ArtifactKind;
import dev.armory.events.v1.ArtifactRef;
import dev.armory.events.v1.DatasetIngested;
import dev.armory.events.v1.DatasetKind;
import dev.armory.events.v1.LineError;
import dev.armory.events.v1.TokenStats;
import dev.armory.platform.store.ArtifactManifest;
import dev.armory.platform.store.ArtifactStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the DatasetIngested event of a stored dataset from its manifest and report, so a fresh
 * ingestion and a repeated request announce exactly the same thing.
 */
final class DatasetSummaries {

  static final String TRAIN = "train.jsonl";
  static final String EVAL = "eval.jsonl";
  static final String SOURCE = "source.jsonl";
  static final String REPORT = "report.json";

  private final ArtifactStore store;
  private final int maxErrors;

  DatasetSummaries(ArtifactStore store, int maxErrors) {
    this.store = store;
    this.maxErrors = maxErrors;
  }

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
    Object formats = d.get("formats");
    if (formats instanceof Map<?, ?> map) {
      map.forEach((k, v) -> b.putFormats(String.valueOf(k), ((Number) v).longValue()));
    }
    Object stats = d.get("token_stats");
    if (stats instanceof Map<?, ?> map) {
      b.setTokenStats(tokenStats(map));
    }
    try {
      JsonNode report = DatasetIngestion.REPORT_JSON.readTree(dir.resolve(REPORT).toFile());
      for (JsonNode bad : report.path("bad_lines")) {
        if (b.getErrorsCount() >= maxErrors) {
          break;
        }
        b.addErrors(
            LineError.newBuilder()
                .setLine(bad.path("line").asLong())
                .setReason(bad.path("reason").asText()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the report of dataset " + m.id(), e);
    }
    return b.build();
  }

  static Map<String, Object> tokenStatsMap(TokenStats s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("tokenizer", s.getTokenizer());
    m.put("total_tokens", s.getTotalTokens());
    m.put("min_tokens", s.getMinTokens());
    m.put("max_tokens", s.getMaxTokens());
    m.put("mean_tokens", s.getMeanTokens());
    m.put("p50_tokens", s.getP50Tokens());
    m.put("p95_tokens", s.getP95Tokens());
    m.put("over_max_seq_len", s.getOverMaxSeqLen());
    return m;
  }

  private static TokenStats tokenStats(Map<?, ?> m) {
    return TokenStats.newBuilder()
        .setTokenizer(String.valueOf(m.get("tokenizer")))
        .setTotalTokens(number(m, "total_tokens"))
        .setMinTokens((int) number(m, "min_tokens"))
        .setMaxTokens((int) number(m, "max_tokens"))
        .setMeanTokens(((Number) m.get("mean_tokens")).doubleValue())
        .setP50Tokens((int) number(m, "p50_tokens"))
        .setP95Tokens((int) number(m, "p95_tokens"))
        .setOverMaxSeqLen(number(m, "over_max_seq_len"))
        .build();
  }

  private static long number(Map<?, ?> m, String key) {
    Object v = m.get(key);
    return v == null ? 0 : ((Number) v).longValue();
  }
}
