package dev.armory.engine.data;

import java.util.Objects;

/** A valid record with the 1-based line it came from and the format it was read as. */
public record DatasetLine(int line, DataFormat format, DataRecord record) {
  public DatasetLine {
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(record, "record");
  }

  /** The normalised content hash of the record (see {@link Duplicates#contentHash}). */
  public String contentHash() {
    return Duplicates.contentHash(record);
  }
}
