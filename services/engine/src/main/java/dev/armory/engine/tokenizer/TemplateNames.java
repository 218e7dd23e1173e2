package dev.armory.engine.tokenizer;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The filter and test names a template uses. Jinja refuses a template naming an unknown filter;
 * Jinjava silently renders it as empty, which would quietly drop text from a prompt. So templates
 * are scanned up front: the code inside {@code {{ }}} and {@code {% %}}, with string literals,
 * comments and raw blocks left out, and every {@code |name} and {@code is [not] name} collected.
 */
final class TemplateNames {
  private static final Pattern FILTER = Pattern.compile("\\|\\s*([A-Za-z_][A-Za-z0-9_]*)");
  private static final Pattern TEST =
      Pattern.compile("\\bis\\s+(?:not\\s+)?([A-Za-z_][A-Za-z0-9_]*)");
  private static final Pattern RAW = Pattern.compile("\\{%-?\\s*raw\\s*-?%}");
  private static final Pattern END_RAW = Pattern.compile("\\{%-?\\s*endraw\\s*-?%}");

  final Set<String> filters = new LinkedHashSet<>();
  final Set<String> tests = new LinkedHashSet<>();

  private TemplateNames() {}

  static TemplateNames of(String source) {
    TemplateNames names = new TemplateNames();
    int i = 0;
    while (i < source.length()) {
      if (source.startsWith("{#", i)) {
        int end = source.indexOf("#}", i + 2);
        i = end < 0 ? source.length() : end + 2;
      } else if (source.startsWith("{%", i)
          && RAW.matcher(source).region(i, source.length()).lookingAt()) {
        Matcher end = END_RAW.matcher(source);
        i = end.find(i) ? end.end() : source.length();
      } else if (source.startsWith("{{", i) || source.startsWith("{%", i)) {
        String close = source.charAt(i + 1) == '{' ? "}}" : "%}";
        i = names.code(source, i + 2, close);
      } else {
        i++;
      }
    }
    return names;
  }

  /** Reads code up to {@code close}, outside string literals; returns the index after it. */
  private int code(String source, int from, String close) {
    StringBuilder code = new StringBuilder();
    int i = from;
    while (i < source.length() && !source.startsWith(close, i)) {
      char c = source.charAt(i);
      if (c == '\'' || c == '"') {
        i++;
        while (i < source.length() && source.charAt(i) != c) {
          i += source.charAt(i) == '\\' ? 2 : 1;
        }
        code.append(" '' ");
      } else {
        code.append(c);
      }
      i++;
    }
    Matcher filter = FILTER.matcher(code);
    while (filter.find()) {
      filters.add(filter.group(1));
    }
    Matcher test = TEST.matcher(code);
    while (test.find()) {
      tests.add(test.group(1));
    }
    return Math.min(source.length(), i + close.length());
  }
}
