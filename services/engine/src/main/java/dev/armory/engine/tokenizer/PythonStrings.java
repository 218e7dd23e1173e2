package dev.armory.engine.tokenizer;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The Python {@code str} methods Hugging Face chat templates call ({@code .strip()}, {@code
 * .startswith()}, {@code .split()}, ...). Jinjava would otherwise look these names up as Java
 * methods: most do not exist ({@code startswith}, {@code upper}, {@code title}) and some exist with
 * other meanings ({@code split} takes a regex in Java, {@code strip} knows other whitespace).
 */
final class PythonStrings {
  private PythonStrings() {}

  /** Whether {@code name} is a string method templates may call. */
  static boolean supports(String name) {
    return switch (name) {
      case "strip",
          "lstrip",
          "rstrip",
          "startswith",
          "endswith",
          "upper",
          "lower",
          "title",
          "capitalize",
          "split",
          "rsplit",
          "splitlines",
          "replace",
          "find",
          "count",
          "join",
          "isdigit",
          "isalpha",
          "isspace",
          "isupper",
          "islower" ->
          true;
      default -> false;
    };
  }

  /** Calls method {@code name} of Python string {@code s} with the template's arguments. */
  static Object call(String s, String name, Object[] args) {
    return switch (name) {
      case "strip" -> strip(s, chars(args), true, true);
      case "lstrip" -> strip(s, chars(args), true, false);
      case "rstrip" -> strip(s, chars(args), false, true);
      case "startswith" -> matchesAny(s, arg(args, 0, name), true);
      case "endswith" -> matchesAny(s, arg(args, 0, name), false);
      case "upper" -> s.toUpperCase(Locale.ROOT);
      case "lower" -> s.toLowerCase(Locale.ROOT);
      case "title" -> title(s);
      case "capitalize" ->
          s.isEmpty()
              ? s
              : s.substring(0, 1).toUpperCase(Locale.ROOT)
                  + s.substring(1).toLowerCase(Locale.ROOT);
      case "split" -> split(s, optionalString(args, 0), maxSplit(args));
      case "rsplit" -> rsplit(s, optionalString(args, 0), maxSplit(args));
      case "splitlines" -> splitLines(s);
      case "replace" -> replace(s, string(args, 0, name), string(args, 1, name), args);
      case "find" -> s.indexOf(string(args, 0, name));
      case "count" -> count(s, string(args, 0, name));
      case "join" -> join(s, arg(args, 0, name));
      case "isdigit" -> !s.isEmpty() && s.chars().allMatch(Character::isDigit);
      case "isalpha" -> !s.isEmpty() && s.chars().allMatch(Character::isLetter);
      case "isspace" -> !s.isEmpty() && s.chars().allMatch(PythonStrings::isSpace);
      case "isupper" -> s.chars().anyMatch(Character::isLetter) && s.equals(s.toUpperCase());
      case "islower" -> s.chars().anyMatch(Character::isLetter) && s.equals(s.toLowerCase());
      default -> throw new IllegalArgumentException("str has no method '" + name + "'");
    };
  }

  /** Python's str.isspace(): Unicode whitespace, which includes the no-break space. */
  static boolean isSpace(int c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == 0x85;
  }

  private static String strip(String s, String chars, boolean left, boolean right) {
    int start = 0;
    int end = s.length();
    while (left && start < end && stripped(s.charAt(start), chars)) {
      start++;
    }
    while (right && end > start && stripped(s.charAt(end - 1), chars)) {
      end--;
    }
    return s.substring(start, end);
  }

  private static boolean stripped(char c, String chars) {
    return chars == null ? isSpace(c) : chars.indexOf(c) >= 0;
  }

  private static boolean matchesAny(String s, Object affixes, boolean prefix) {
    if (affixes instanceof Collection<?> list) {
      for (Object affix : list) {
        if (matches(s, String.valueOf(affix), prefix)) {
          return true;
        }
      }
      return false;
    }
    return matches(s, String.valueOf(affixes), prefix);
  }

  private static boolean matches(String s, String affix, boolean prefix) {
    return prefix ? s.startsWith(affix) : s.endsWith(affix);
  }

  /** A letter is upper-cased after a non-letter and lower-cased after a letter, as in Python. */
  private static String title(String s) {
    StringBuilder out = new StringBuilder(s.length());
    boolean afterLetter = false;
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      out.appendCodePoint(
          afterLetter ? Character.toLowerCase(c) : Character.toTitleCase(Character.toUpperCase(c)));
      afterLetter = Character.isLetter(c);
      i += Character.charCount(c);
    }
    return out.toString();
  }

  private static List<String> split(String s, String sep, int maxSplit) {
    List<String> parts = new ArrayList<>();
    if (sep == null) {
      int i = 0;
      while (true) {
        while (i < s.length() && isSpace(s.charAt(i))) {
          i++;
        }
        if (i == s.length()) {
          return parts;
        }
        if (maxSplit >= 0 && parts.size() == maxSplit) {
          parts.add(strip(s.substring(i), null, false, true));
          return parts;
        }
        int start = i;
        while (i < s.length() && !isSpace(s.charAt(i))) {
          i++;
        }
        parts.add(s.substring(start, i));
      }
    }
    if (sep.isEmpty()) {
      throw new IllegalArgumentException("split: empty separator");
    }
    int start = 0;
    int at;
    while ((maxSplit < 0 || parts.size() < maxSplit) && (at = s.indexOf(sep, start)) >= 0) {
      parts.add(s.substring(start, at));
      start = at + sep.length();
    }
    parts.add(s.substring(start));
    return parts;
  }

  private static List<String> rsplit(String s, String sep, int maxSplit) {
    if (maxSplit < 0 || sep == null) {
      return split(s, sep, maxSplit); // same result when nothing limits the splitting
    }
    List<String> parts = new ArrayList<>();
    int end = s.length();
    int at;
    while (parts.size() < maxSplit && (at = s.lastIndexOf(sep, end - sep.length())) >= 0) {
      parts.add(0, s.substring(at + sep.length(), end));
      end = at;
    }
    parts.add(0, s.substring(0, end));
    return parts;
  }

  private static String replace(String s, String old, String with, Object[] args) {
    int limit = args.length > 2 ? ((Number) args[2]).intValue() : -1;
    if (limit < 0) {
      return s.replace(old, with);
    }
    StringBuilder out = new StringBuilder();
    int start = 0;
    int at;
    for (int n = 0; n < limit && (at = s.indexOf(old, start)) >= 0; n++) {
      out.append(s, start, at).append(with);
      start = at + old.length();
      if (old.isEmpty()) {
        break;
      }
    }
    return out.append(s.substring(start)).toString();
  }

  private static int count(String s, String sub) {
    if (sub.isEmpty()) {
      return s.length() + 1;
    }
    int n = 0;
    for (int at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + sub.length())) {
      n++;
    }
    return n;
  }

  private static String join(String sep, Object items) {
    if (!(items instanceof Iterable<?> iterable)) {
      throw new IllegalArgumentException("join: expected a list, found " + describe(items));
    }
    StringBuilder out = new StringBuilder();
    boolean first = true;
    for (Object item : iterable) {
      if (!first) {
        out.append(sep);
      }
      out.append(item);
      first = false;
    }
    return out.toString();
  }

  /** Lines without their terminators; a final terminator does not start an empty line. */
  private static List<String> splitLines(String s) {
    List<String> lines = new ArrayList<>(List.of(s.split("\r\n|\r|\n", -1)));
    if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
      lines.remove(lines.size() - 1);
    }
    return lines;
  }

  private static Object arg(Object[] args, int i, String method) {
    if (args.length <= i) {
      throw new IllegalArgumentException(method + "() needs at least " + (i + 1) + " argument(s)");
    }
    return args[i];
  }

  private static String string(Object[] args, int i, String method) {
    return String.valueOf(arg(args, i, method));
  }

  private static String optionalString(Object[] args, int i) {
    return args.length > i && args[i] != null ? String.valueOf(args[i]) : null;
  }

  private static String chars(Object[] args) {
    return optionalString(args, 0);
  }

  private static int maxSplit(Object[] args) {
    return args.length > 1 && args[1] instanceof Number n ? n.intValue() : -1;
  }

  private static String describe(Object o) {
    return o == null ? "none" : o.getClass().getSimpleName();
  }
}
