package dev.armory.engine.tokenizer;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code tojson} filter as Hugging Face chat templates see it: Python's {@code json.dumps(x,
 * ensure_ascii=False, indent=None, separators=None, sort_keys=False)}, with those keyword
 * arguments. Jinjava's own {@code tojson} writes compact Jackson output ({@code {"a":1}} instead of
 * Python's {@code {"a": 1}}), which would change the prompt text models were trained on.
 */
final class PythonJson implements Filter {

  @Override
  public String getName() {
    return "tojson";
  }

  @Override
  public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
    return dumps(var, null, false, false);
  }

  @Override
  public Object filter(
      Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
    Object indent = kwargs.getOrDefault("indent", args.length > 0 ? args[0] : null);
    return dumps(
        var,
        indent instanceof Number n ? Integer.valueOf(n.intValue()) : null,
        Boolean.TRUE.equals(kwargs.get("ensure_ascii")),
        Boolean.TRUE.equals(kwargs.get("sort_keys")));
  }

  /** Python's json.dumps with the default separators for the given indent. */
  static String dumps(Object value, Integer indent, boolean ensureAscii, boolean sortKeys) {
    StringBuilder out = new StringBuilder();
    new PythonJson().write(out, value, indent, 0, ensureAscii, sortKeys);
    return out.toString();
  }

  private void write(
      StringBuilder out, Object value, Integer indent, int depth, boolean ascii, boolean sort) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof Boolean b) {
      out.append(b ? "true" : "false");
    } else if (value instanceof Double || value instanceof Float) {
      out.append(pythonFloat(((Number) value).doubleValue()));
    } else if (value instanceof BigDecimal d) {
      out.append(pythonFloat(d.doubleValue()));
    } else if (value instanceof Number n) {
      out.append(n instanceof BigInteger ? n.toString() : Long.toString(n.longValue()));
    } else if (value instanceof Map<?, ?> map) {
      Map<?, ?> entries = sort ? new TreeMap<>(stringKeys(map)) : map;
      List<Object> keys = new ArrayList<>(entries.keySet());
      out.append('{');
      for (int i = 0; i < keys.size(); i++) {
        separate(out, i, indent, depth + 1);
        string(out, String.valueOf(keys.get(i)), ascii);
        out.append(": ");
        write(out, entries.get(keys.get(i)), indent, depth + 1, ascii, sort);
      }
      close(out, '}', keys.isEmpty(), indent, depth);
    } else if (value instanceof Iterable<?> items) {
      List<Object> list = new ArrayList<>();
      items.forEach(list::add);
      writeList(out, list, indent, depth, ascii, sort);
    } else if (value instanceof Object[] array) {
      writeList(out, List.of(array), indent, depth, ascii, sort);
    } else {
      string(out, value.toString(), ascii);
    }
  }

  private void writeList(
      StringBuilder out,
      List<Object> list,
      Integer indent,
      int depth,
      boolean ascii,
      boolean sort) {
    out.append('[');
    for (int i = 0; i < list.size(); i++) {
      separate(out, i, indent, depth + 1);
      write(out, list.get(i), indent, depth + 1, ascii, sort);
    }
    close(out, ']', list.isEmpty(), indent, depth);
  }

  private static Map<String, Object> stringKeys(Map<?, ?> map) {
    Map<String, Object> keyed = new TreeMap<>();
    map.forEach((k, v) -> keyed.put(String.valueOf(k), v));
    return keyed;
  }

  /** Python puts ", " between items without indent, and "," plus a newline with one. */
  private static void separate(StringBuilder out, int index, Integer indent, int depth) {
    if (index > 0) {
      out.append(indent == null ? ", " : ",");
    }
    if (indent != null) {
      out.append('\n').append(" ".repeat(indent * depth));
    }
  }

  private static void close(StringBuilder out, char bracket, boolean empty, Integer indent, int d) {
    if (indent != null && !empty) {
      out.append('\n').append(" ".repeat(indent * d));
    }
    out.append(bracket);
  }

  private static void string(StringBuilder out, String s, boolean ascii) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20 || (ascii && c > 0x7E)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  /** Python's repr of a float: 1.0, 2.5, 1e+20, 1.5e-07, NaN, Infinity. */
  static String pythonFloat(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "Infinity" : "-Infinity";
    }
    String s = Double.toString(d); // shortest round-trip digits, as Python's repr
    int e = s.indexOf('E');
    if (e < 0) {
      return s;
    }
    // Java switches to exponent form at 1e7 and 1e-3, Python at 1e16 and 1e-4.
    BigDecimal exact = new BigDecimal(s);
    int exponent = Integer.parseInt(s.substring(e + 1));
    if (exponent >= -4 && exponent < 16) {
      String plain = exact.toPlainString();
      return plain.contains(".") ? plain : plain + ".0";
    }
    String mantissa = s.substring(0, e);
    if (mantissa.endsWith(".0")) {
      mantissa = mantissa.substring(0, mantissa.length() - 2);
    }
    return mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format("%02d", Math.abs(exponent));
  }
}
