package dev.armory.engine.models;

import java.io.IOException;

/** A checkpoint does not fit its config: a parameter is missing or has the wrong shape. */
public class ModelCheckpointException extends IOException {
  public ModelCheckpointException(String message) {
    super(message);
  }
}
