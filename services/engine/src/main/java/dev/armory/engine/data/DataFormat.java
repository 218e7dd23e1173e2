package dev.armory.engine.data;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The JSONL layouts Armory reads, told apart per line by their keys (see {@link RecordParser}).
 * Extra keys on a line (ids, sources, metadata) are ignored.
 */
public enum DataFormat {
  /** {@code instruction}, optional {@code input}, {@code output}. */
  ALPACA("alpaca", "'instruction', optional 'input', 'output'"),
  /** OpenAI-style {@code messages}: objects with {@code role} and {@code content}. */
  CHAT("chat", "'messages' with role/content"),
  /** {@code conversations}: objects with {@code from} (human, gpt, system) and {@code value}. */
  SHAREGPT("sharegpt", "'conversations' with from/value"),
  /** {@code prompt} and {@code completion} (strings, or message lists). */
  PROMPT_COMPLETION("prompt-completion", "'prompt', 'completion'"),
  /** {@code text}: raw text for domain adaptation, every token trained. */
  TEXT("text", "'text'"),
  /** {@code prompt}, {@code chosen}, {@code rejected}: strings, or message lists, for DPO. */
  PREFERENCE("preference", "'prompt', 'chosen', 'rejected'");

  private final String id;
  private final String keys;

  DataFormat(String id, String keys) {
    this.id = id;
    this.keys = keys;
  }

  /** The name used in options and reports, e.g. {@code prompt-completion}. */
  public String id() {
    return id;
  }

  /** The keys a line of this format carries, for error messages. */
  public String keys() {
    return keys;
  }

  /** Parses a format name ({@code alpaca}, {@code chat}, ...), case-insensitively. */
  public static DataFormat parse(String name) {
    String wanted = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    for (DataFormat format : values()) {
      if (format.id.equals(wanted)
          || (format == PROMPT_COMPLETION && wanted.equals("completion"))
          || (format == PREFERENCE && (wanted.equals("dpo") || wanted.equals("pairs")))) {
        return format;
      }
    }
    throw new IllegalArgumentException(
        "unknown dataset format '"
            + name
            + "'; expected one of "
            + Arrays.stream(values()).map(DataFormat::id).collect(Collectors.joining(", ")));
  }

  @Override
  public String toString() {
    return id;
  }
}
