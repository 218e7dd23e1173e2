package dev.armory.engine.graph;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Node attributes by name. Values are {@code Long}, {@code Float}, {@code String}, {@code long[]},
 * {@code float[]}, {@code String[]} or {@link TensorData}, matching ONNX attribute kinds ({@code
 * Integer}, {@code int[]}, {@code Double} and {@code double[]} are converted on the way in).
 */
public final class Attributes {
  private static final Attributes EMPTY = new Attributes(Map.of());
  private final Map<String, Object> values;

  private Attributes(Map<String, Object> values) {
    this.values = values;
  }

  /** No attributes. */
  public static Attributes none() {
    return EMPTY;
  }

  /** Attributes from alternating names and values: {@code of("axis", 1L, "keepdims", 0L)}. */
  public static Attributes of(Object... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("attributes need name/value pairs");
    }
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      String name = (String) namesAndValues[i];
      m.put(name, normalize(name, namesAndValues[i + 1]));
    }
    return new Attributes(Collections.unmodifiableMap(m));
  }

  /** A copy with one more attribute. */
  public Attributes with(String name, Object value) {
    Map<String, Object> m = new LinkedHashMap<>(values);
    m.put(name, normalize(name, value));
    return new Attributes(Collections.unmodifiableMap(m));
  }

  private static Object normalize(String name, Object v) {
    if (v instanceof Integer i) {
      return i.longValue();
    }
    if (v instanceof Double d) {
      return d.floatValue();
    }
    if (v instanceof double[] a) {
      float[] f = new float[a.length];
      for (int i = 0; i < a.length; i++) {
        f[i] = (float) a[i];
      }
      return f;
    }
    if (v instanceof int[] a) {
      long[] l = new long[a.length];
      for (int i = 0; i < a.length; i++) {
        l[i] = a[i];
      }
      return l;
    }
    if (v instanceof Long
        || v instanceof Float
        || v instanceof String
        || v instanceof long[]
        || v instanceof float[]
        || v instanceof String[]
        || v instanceof TensorData) {
      return v;
    }
    throw new IllegalArgumentException(
        "attribute '" + name + "' has unsupported type " + (v == null ? "null" : v.getClass()));
  }

  public Map<String, Object> asMap() {
    return values;
  }

  public boolean has(String name) {
    return values.containsKey(name);
  }

  public long getInt(String name, long dflt) {
    Object v = values.get(name);
    return v == null ? dflt : typed(name, v, Long.class, "an int");
  }

  public float getFloat(String name, float dflt) {
    Object v = values.get(name);
    return v == null ? dflt : typed(name, v, Float.class, "a float");
  }

  public String getString(String name, String dflt) {
    Object v = values.get(name);
    return v == null ? dflt : typed(name, v, String.class, "a string");
  }

  /** The ints attribute, or null when absent. */
  public long[] getInts(String name) {
    Object v = values.get(name);
    return v == null ? null : typed(name, v, long[].class, "ints").clone();
  }

  /** The tensor attribute, or null when absent. */
  public TensorData getTensor(String name) {
    Object v = values.get(name);
    return v == null ? null : typed(name, v, TensorData.class, "a tensor");
  }

  private static <T> T typed(String name, Object v, Class<T> type, String what) {
    if (!type.isInstance(v)) {
      throw new IllegalArgumentException(
          "attribute '"
              + name
              + "' should be "
              + what
              + " but holds "
              + v.getClass().getSimpleName()
              + " "
              + v);
    }
    return type.cast(v);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    values.forEach(
        (k, v) -> {
          if (sb.length() > 1) {
            sb.append(", ");
          }
          sb.append(k).append('=');
          if (v instanceof long[] a) {
            sb.append(java.util.Arrays.toString(a));
          } else if (v instanceof float[] a) {
            sb.append(java.util.Arrays.toString(a));
          } else {
            sb.append(v);
          }
        });
    return sb.append('}').toString();
  }
}
