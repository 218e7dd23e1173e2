package dev.armory.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** JSON output for {@code --json} flags. */
final class Json {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Json() {}

  /** Indented JSON ending with a newline. */
  static String pretty(JsonNode node) throws JsonProcessingException {
    return MAPPER.writeValueAsString(node) + System.lineSeparator();
  }
}
