package dev.armory.engine.train;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;

/** The JSON and YAML mappers of the run directory: snake_case keys, pretty files, no type info. */
final class JsonCodec {
  /** Indented JSON for files people read (manifest, checkpoint state). */
  static final ObjectMapper JSON = configure(new ObjectMapper());

  /** One-line JSON for metrics.jsonl. */
  static final ObjectMapper LINE =
      configure(new ObjectMapper()).disable(SerializationFeature.INDENT_OUTPUT);

  /** YAML for run.yaml config files. */
  static final ObjectMapper YAML = configure(new ObjectMapper(new YAMLFactory()));

  private JsonCodec() {}

  private static ObjectMapper configure(ObjectMapper m) {
    return m.setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .enable(SerializationFeature.INDENT_OUTPUT)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  /** Writes {@code value} as indented JSON through a temp file and a rename. */
  static void writeAtomically(Path file, Object value) throws IOException {
    AtomicFiles.write(file, JSON.writeValueAsBytes(value));
  }
}
