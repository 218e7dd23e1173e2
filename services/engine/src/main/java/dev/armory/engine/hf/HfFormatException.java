package dev.armory.engine.hf;

import java.io.IOException;

/** A Hugging Face model directory or one of its JSON files is missing or invalid. */
public class HfFormatException extends IOException {
  public HfFormatException(String message) {
    super(message);
  }

  public HfFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
