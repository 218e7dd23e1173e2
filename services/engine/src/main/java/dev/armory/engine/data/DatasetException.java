package dev.armory.engine.data;

import java.util.List;

/**
 * A dataset cannot be used: a bad line (message "FILE line N: reason"), no usable record, or data
 * that does not fit the tokenizer or objective. {@link #badLines()} lists the lines at fault.
 */
public class DatasetException extends RuntimeException {
  private final String source;
  private final List<BadLine> badLines;

  public DatasetException(String source, List<BadLine> badLines, String message) {
    super(message);
    this.source = source;
    this.badLines = List.copyOf(badLines);
  }

  public DatasetException(String source, String message, Throwable cause) {
    super(message, cause);
    this.source = source;
    this.badLines = List.of();
  }

  /** The file or stream name the data came from. */
  public String source() {
    return source;
  }

  /** The lines at fault (one for a strict load, every skipped line when nothing was usable). */
  public List<BadLine> badLines() {
    return badLines;
  }
}
