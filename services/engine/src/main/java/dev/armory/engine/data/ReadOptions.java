package dev.armory.engine.data;

/**
 * How a JSONL dataset is read.
 *
 * @param format the format every line must have, or null to detect it per line from the keys
 * @param skipBadLines skip invalid lines and report them instead of failing the load
 * @param allowMixedFormats accept supervised lines of different formats in one file (preference
 *     pairs never mix with supervised lines)
 */
public record ReadOptions(DataFormat format, boolean skipBadLines, boolean allowMixedFormats) {

  /** Detect formats, fail on the first bad line, one format per file. */
  public static ReadOptions defaults() {
    return new ReadOptions(null, false, false);
  }

  public ReadOptions withFormat(DataFormat format) {
    return new ReadOptions(format, skipBadLines, allowMixedFormats);
  }

  public ReadOptions withSkipBadLines(boolean skip) {
    return new ReadOptions(format, skip, allowMixedFormats);
  }

  public ReadOptions withAllowMixedFormats(boolean allow) {
    return new ReadOptions(format, skipBadLines, allow);
  }
}
