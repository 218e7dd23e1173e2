package dev.armory.engine.peft;

import java.io.IOException;

/** An adapter directory cannot be read; the message names the file and what is wrong. */
public class AdapterFormatException extends IOException {
  public AdapterFormatException(String message) {
    super(message);
  }
}
