package dev.armory.engine.data;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A loaded dataset: its valid records in file order, the lines skipped as bad, and the SHA-256 of
 * the file bytes for lineage.
 *
 * @param source the file path or stream name, as used in messages
 * @param records the valid records, in file order
 * @param badLines the skipped lines (empty unless skipping bad lines)
 * @param sha256 lowercase hex SHA-256 of the exact bytes read
 * @param lineCount the number of lines in the file, blank lines included
 */
public record Dataset(
    String source,
    List<DatasetLine> records,
    List<BadLine> badLines,
    String sha256,
    int lineCount) {

  public Dataset {
    records = List.copyOf(records);
    badLines = List.copyOf(badLines);
  }

  /** The formats present among the records. */
  public Set<DataFormat> formats() {
    Set<DataFormat> formats = EnumSet.noneOf(DataFormat.class);
    for (DatasetLine line : records) {
      formats.add(line.format());
    }
    return formats;
  }

  /** True when the records are preference pairs (a reader never mixes them with other data). */
  public boolean isPreference() {
    return !records.isEmpty() && records.get(0).record().isPreference();
  }

  /** The same source and hash with other records, e.g. after removing duplicates or splitting. */
  public Dataset withRecords(List<DatasetLine> subset) {
    return new Dataset(source, subset, badLines, sha256, lineCount);
  }

  /** A human-readable summary: counts, formats, and every skipped line with its reason. */
  public String report() {
    StringBuilder out = new StringBuilder();
    out.append(source)
        .append(": ")
        .append(records.size())
        .append(" records ")
        .append(formats())
        .append(", ")
        .append(badLines.size())
        .append(" bad lines skipped, sha256 ")
        .append(sha256);
    for (BadLine bad : badLines) {
      out.append("\n  ").append(bad);
    }
    return out.toString();
  }
}
