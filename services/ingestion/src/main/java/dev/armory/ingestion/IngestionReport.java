package dev.armory.ingestion;

import java.util.List;
import java.util.Map;

/**
 * report.json of a stored dataset: every line that was not kept as a record, and why. Line numbers
 * are 1-based lines of the source file (kept beside it as source.jsonl).
 *
 * @param datasetId the dataset
 * @param sourceUri where the data came from (path, file: URI or upload:NAME)
 * @param sourceSha256 sha256 of the source bytes
 * @param linesRead lines in the source, blank lines included
 * @param recordsAccepted records stored (train + eval)
 * @param badLines lines that are not valid records, with the reason
 * @param duplicates exact duplicates removed, each with the line it repeats
 * @param tokenizerWarnings kept records the tokenizer's chat template could not render
 * @param formats records per detected format
 */
public record IngestionReport(
    String datasetId,
    String sourceUri,
    String sourceSha256,
    long linesRead,
    long recordsAccepted,
    List<Line> badLines,
    List<Duplicate> duplicates,
    List<Line> tokenizerWarnings,
    Map<String, Long> formats) {

  /** A line and what is wrong with it. */
  public record Line(long line, String reason) {}

  /** A line whose content repeats an earlier line. */
  public record Duplicate(long line, long firstLine) {}
}
