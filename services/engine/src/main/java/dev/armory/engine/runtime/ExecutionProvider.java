package dev.armory.engine.runtime;

import java.util.Locale;

/** Where ONNX Runtime executes a graph. */
public enum ExecutionProvider {
  CPU,
  CUDA;

  /** Parses "cpu" or "cuda" (any case), naming the choices on failure. */
  public static ExecutionProvider parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown execution provider '" + s + "': expected one of cpu, cuda");
    }
  }
}
