package dev.armory.engine.models;

import java.util.Locale;

/** What a parameter belongs to, for per-kind parameter counts. */
public enum ParameterKind {
  EMBEDDING,
  ATTENTION,
  MLP,
  NORM,
  LM_HEAD;

  /** Lower-case label for output, e.g. "lm_head". */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
