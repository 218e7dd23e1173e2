package dev.armory.engine.peft;

import dev.armory.engine.models.LinearModule;
import dev.armory.engine.models.ModelArchitecture;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which linear modules an adapter wraps, with Hugging Face PEFT's matching rules: a list entry
 * matches a module whose name equals it or ends with "." + entry; a single string is a regex that
 * must match the whole name; {@code all-linear} is every linear layer except the output head; unset
 * means the architecture's default targets.
 */
public sealed interface TargetModules {
  /** PEFT's list form. */
  record Names(List<String> names) implements TargetModules {
    public Names {
      names = List.copyOf(names);
      if (names.isEmpty()) {
        throw new IllegalArgumentException("target_modules list is empty");
      }
    }
  }

  /** PEFT's single-string form: a regex matched against the full module name. */
  record Regex(String pattern) implements TargetModules {}

  /** Every linear layer except the output head. */
  record AllLinear() implements TargetModules {}

  /** The architecture's default LoRA targets (attention projections). */
  record ArchitectureDefault() implements TargetModules {}

  /** Parses the command-line form: "all-linear", "default", a comma list, or "re:PATTERN". */
  static TargetModules parse(String spec) {
    String s = spec.trim();
    if (s.equals("all-linear")) {
      return new AllLinear();
    }
    if (s.isEmpty() || s.equals("default")) {
      return new ArchitectureDefault();
    }
    if (s.startsWith("re:")) {
      return new Regex(s.substring(3));
    }
    List<String> names = new ArrayList<>();
    for (String part : s.split(",")) {
      if (!part.isBlank()) {
        names.add(part.trim());
      }
    }
    return new Names(names);
  }

  /** The modules of {@code arch} this selects, in model order; fails when none match. */
  default List<LinearModule> select(ModelArchitecture arch) {
    List<LinearModule> out = new ArrayList<>();
    Pattern regex = this instanceof Regex r ? Pattern.compile(r.pattern()) : null;
    for (LinearModule m : arch.linearModules()) {
      boolean hit;
      if (this instanceof Names n) {
        hit = n.names().stream().anyMatch(m::matchesListEntry);
      } else if (regex != null) {
        hit = regex.matcher(m.name()).matches();
      } else {
        hit = this instanceof AllLinear || m.defaultLoraTarget();
      }
      if (hit) {
        out.add(m);
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(
          "target_modules "
              + describe()
              + " matches no linear layer of "
              + arch.className()
              + "; targetable names: "
              + arch.targetableNames());
    }
    return out;
  }

  /** A readable form for messages. */
  default String describe() {
    if (this instanceof Names n) {
      return n.names().toString();
    }
    if (this instanceof Regex r) {
      return "regex '" + r.pattern() + "'";
    }
    return this instanceof AllLinear ? "all-linear" : "default";
  }
}
