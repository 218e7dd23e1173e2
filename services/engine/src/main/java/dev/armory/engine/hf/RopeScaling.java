package dev.armory.engine.hf;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * RoPE frequency scaling from {@code rope_scaling}: {@code linear} divides positions by {@code
 * factor}; {@code llama3} rescales low frequencies by {@code factor} and blends the band between
 * {@code low_freq_factor} and {@code high_freq_factor} (fields other than factor are null for
 * linear).
 */
public record RopeScaling(
    Kind kind,
    double factor,
    Double lowFrequencyFactor,
    Double highFrequencyFactor,
    Integer originalMaxPositionEmbeddings) {

  /** The supported {@code rope_type} values. */
  public enum Kind {
    LINEAR,
    LLAMA3
  }

  /** Linear position interpolation by {@code factor}. */
  public static RopeScaling linear(double factor) {
    return new RopeScaling(Kind.LINEAR, factor, null, null, null);
  }

  /** Llama 3.1's frequency-band scaling. */
  public static RopeScaling llama3(
      double factor, double lowFrequencyFactor, double highFrequencyFactor, int originalMax) {
    return new RopeScaling(
        Kind.LLAMA3, factor, lowFrequencyFactor, highFrequencyFactor, originalMax);
  }

  /**
   * Parses a {@code rope_scaling} (or transformers 5 {@code rope_parameters}) object; null for no
   * scaling ({@code rope_type} "default" counts as none).
   */
  static RopeScaling parse(JsonFields f, String key) throws HfFormatException {
    String type = f.string("rope_type", f.string("type", null));
    if (type == null || type.equals("default")) {
      return null;
    }
    String where = key + ".rope_type";
    switch (type) {
      case "linear" -> {
        return linear(requiredPositive(f, key, "factor"));
      }
      case "llama3" -> {
        double factor = requiredPositive(f, key, "factor");
        double low = requiredPositive(f, key, "low_freq_factor");
        double high = requiredPositive(f, key, "high_freq_factor");
        Integer original = f.optionalPositiveInt("original_max_position_embeddings");
        if (original == null) {
          throw f.error(key + ".original_max_position_embeddings", "is missing for llama3 scaling");
        }
        if (!(high > low)) {
          throw f.error(
              key + ".high_freq_factor",
              "(" + high + ") must be greater than low_freq_factor (" + low + ")");
        }
        return llama3(factor, low, high, original);
      }
      default ->
          throw f.error(
              where,
              "is '"
                  + type
                  + "', which Armory does not implement; supported: linear, llama3 (or none)");
    }
  }

  private static double requiredPositive(JsonFields f, String key, String field)
      throws HfFormatException {
    double v = f.positiveDouble(field, Double.NaN);
    if (Double.isNaN(v)) {
      throw f.error(key + "." + field, "is missing; " + key + " needs it");
    }
    return v;
  }

  /** The {@code rope_scaling} object transformers writes. */
  ObjectNode toJson() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("rope_type", kind.name().toLowerCase(Locale.ROOT));
    n.put("factor", factor);
    if (kind == Kind.LLAMA3) {
      n.put("low_freq_factor", lowFrequencyFactor);
      n.put("high_freq_factor", highFrequencyFactor);
      n.put("original_max_position_embeddings", originalMaxPositionEmbeddings);
    }
    return n;
  }
}
