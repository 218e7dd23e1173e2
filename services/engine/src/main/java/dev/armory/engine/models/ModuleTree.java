package dev.armory.engine.models;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders a {@link ModuleNode} tree exactly as PyTorch's {@code print(model)} does, including its
 * collapsing of runs of identical {@code ModuleList} entries into {@code (0-4): 5 x Block(}.
 */
public final class ModuleTree {
  private ModuleTree() {}

  /** PyTorch's repr of {@code node}. */
  public static String render(ModuleNode node) {
    if (node.typeName().equals("ModuleList")) {
      return renderList(node);
    }
    List<String> lines = new ArrayList<>();
    if (!node.arguments().isEmpty()) {
      lines.addAll(List.of(node.arguments().split("\n")));
    }
    for (ModuleNode child : node.children()) {
      lines.add("(" + child.name() + "): " + indent(render(child)));
    }
    StringBuilder s = new StringBuilder(node.typeName()).append('(');
    if (!lines.isEmpty()) {
      if (node.children().isEmpty() && lines.size() == 1) {
        s.append(lines.get(0));
      } else {
        s.append("\n  ").append(String.join("\n  ", lines)).append('\n');
      }
    }
    return s.append(')').toString();
  }

  /** ModuleList groups consecutive children whose reprs are equal. */
  private static String renderList(ModuleNode list) {
    if (list.children().isEmpty()) {
      return "ModuleList()";
    }
    List<String> lines = new ArrayList<>();
    int start = 0;
    String block = render(list.children().get(0));
    for (int i = 1; i <= list.children().size(); i++) {
      String next = i < list.children().size() ? render(list.children().get(i)) : null;
      if (block.equals(next)) {
        continue;
      }
      int end = i - 1;
      String head =
          start == end
              ? "(" + start + "): "
              : "(" + start + "-" + end + "): " + (end - start + 1) + " x ";
      lines.add(indent(head + block));
      start = i;
      block = next;
    }
    return "ModuleList(\n  " + String.join("\n  ", lines) + "\n)";
  }

  /** PyTorch's _addindent(s, 2): indent every line but the first. */
  private static String indent(String s) {
    return s.replace("\n", "\n  ");
  }

  /** Python's repr of a float: {@code 1e-05}, {@code 0.1}, {@code 10000.0}. */
  public static String pythonFloat(double v) {
    if (Double.isNaN(v)) {
      return "nan";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    if (v == 0) {
      return 1 / v < 0 ? "-0.0" : "0.0";
    }
    BigDecimal d = new BigDecimal(Double.toString(Math.abs(v))).stripTrailingZeros();
    String digits = d.unscaledValue().toString();
    int exponent = digits.length() - 1 - d.scale();
    String sign = v < 0 ? "-" : "";
    if (exponent >= -4 && exponent < 16) {
      String plain = d.toPlainString();
      return sign + (plain.contains(".") ? plain : plain + ".0");
    }
    String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    String exp = String.format("%02d", Math.abs(exponent));
    return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + exp;
  }
}
