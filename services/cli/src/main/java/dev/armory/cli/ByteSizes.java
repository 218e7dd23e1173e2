package dev.armory.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses sizes such as 5GB, 500MB, 2GiB or 1048576 (bytes). */
final class ByteSizes {
  private static final Pattern SIZE =
      Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(|b|kb|mb|gb|tb|kib|mib|gib|tib)");

  private ByteSizes() {}

  static long parse(String text, String option) {
    Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          option + " '" + text + "' is not a size; write e.g. 5GB, 500MB, 2GiB or a byte count");
    }
    double n = Double.parseDouble(m.group(1));
    long unit =
        switch (m.group(2)) {
          case "", "b" -> 1L;
          case "kb" -> 1_000L;
          case "mb" -> 1_000_000L;
          case "gb" -> 1_000_000_000L;
          case "tb" -> 1_000_000_000_000L;
          case "kib" -> 1L << 10;
          case "mib" -> 1L << 20;
          case "gib" -> 1L << 30;
          default -> 1L << 40;
        };
    long bytes = (long) (n * unit);
    if (bytes <= 0) {
      throw new IllegalArgumentException(option + " must be positive, was '" + text + "'");
    }
    return bytes;
  }
}
