package dev.armory.engine.safetensors;

import java.io.IOException;

/** A safetensors file (or its shard index) is malformed; the message names the file. */
public class SafetensorsFormatException extends IOException {
  public SafetensorsFormatException(String message) {
    super(message);
  }

  public SafetensorsFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
