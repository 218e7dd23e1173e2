package dev.armory.engine.train;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes the trainable parameters as a loadable adapter (e.g. HF PEFT's adapter_config.json and
 * adapter_model.safetensors). The trainer calls it for the run's {@code adapter/} directory and
 * inside each checkpoint; the directory exists and is empty.
 */
@FunctionalInterface
public interface AdapterWriter {
  void write(Path directory, Parameters params) throws IOException;
}
