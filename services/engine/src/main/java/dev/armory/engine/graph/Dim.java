package dev.armory.engine.graph;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One dimension of a shape: a known size, a named symbol shared across values (such as {@code
 * batch} or {@code seq}), or an anonymous unknown that equals only itself.
 */
public final class Dim {
  private static final AtomicLong UNKNOWN_IDS = new AtomicLong();

  private final long size; // >= 0 when known, -1 otherwise
  private final String symbol; // non-null for named and anonymous symbols

  private Dim(long size, String symbol) {
    this.size = size;
    this.symbol = symbol;
  }

  /** A known size. */
  public static Dim of(long size) {
    if (size < 0) {
      throw new IllegalArgumentException("dimension size must be >= 0, got " + size);
    }
    return new Dim(size, null);
  }

  /** A named symbolic dimension; two symbols with the same name are the same size. */
  public static Dim symbol(String name) {
    if (name == null || name.isEmpty() || name.startsWith("?")) {
      throw new IllegalArgumentException("symbolic dimension needs a name not starting with '?'");
    }
    return new Dim(-1, name);
  }

  /** A fresh unknown dimension, equal to no other. */
  public static Dim unknown() {
    return new Dim(-1, "?" + UNKNOWN_IDS.incrementAndGet());
  }

  public boolean isKnown() {
    return size >= 0;
  }

  /** True for named symbols (not anonymous unknowns). */
  public boolean isNamed() {
    return symbol != null && !symbol.startsWith("?");
  }

  /** The size; fails for symbolic dimensions. */
  public long value() {
    if (size < 0) {
      throw new IllegalStateException("dimension " + this + " has no known size");
    }
    return size;
  }

  /** The symbol name, or null for known sizes. */
  public String symbol() {
    return symbol;
  }

  /** True when this dimension is statically known to equal {@code n}. */
  public boolean is(long n) {
    return size == n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Dim d && size == d.size && Objects.equals(symbol, d.symbol);
  }

  @Override
  public int hashCode() {
    return Objects.hash(size, symbol);
  }

  @Override
  public String toString() {
    return size >= 0 ? Long.toString(size) : symbol;
  }
}
