package dev.armory.engine.data;

/** A line that was not a valid record, by its 1-based line number, with the reason. */
public record BadLine(int line, String reason) {
  @Override
  public String toString() {
    return "line " + line + ": " + reason;
  }
}
