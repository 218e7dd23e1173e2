package dev.armory.engine.models;

/** What a parameter belongs to, for per-kind parameter counts. */
public enum ParameterKind {
  EMBEDDING,
  ATTENTION,
  MLP,
  NORM,
  LM_HEAD;

  /** Lower-case label for output, e.g. "lm_head". */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
