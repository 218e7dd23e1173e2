package dev.armory.engine.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Small datasets bundled in the engine jar for demos and tests: {@value #INSTRUCTIONS} (96 Alpaca
 * lines of short question → answer pairs: capitals, arithmetic, colours, definitions, opposites,
 * translations) and {@value #STORIES} (50 short children's stories as raw {@code text} lines, in
 * the style stories260K was trained on).
 */
public final class DemoDatasets {
  /** Alpaca instruction data for SFT demos. */
  public static final String INSTRUCTIONS = "demo-instructions.jsonl";

  /** Raw-text stories for domain-adaptation runs on stories260K. */
  public static final String STORIES = "demo-stories.jsonl";

  private DemoDatasets() {}

  /** The bundled instruction dataset, read and validated. */
  public static Dataset instructions() {
    return read(INSTRUCTIONS);
  }

  /** The bundled story dataset, read and validated. */
  public static Dataset stories() {
    return read(STORIES);
  }

  /** Reads one of the bundled datasets by file name. */
  public static Dataset read(String name) {
    try (InputStream in = open(name)) {
      return JsonlDatasetReader.read("classpath:" + name, in, ReadOptions.defaults());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read bundled dataset " + name, e);
    }
  }

  /** Copies a bundled dataset to {@code target} (e.g. to ingest it like an uploaded file). */
  public static Path copy(String name, Path target) {
    try (InputStream in = open(name)) {
      Path parent = target.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy bundled dataset " + name + " to " + target, e);
    }
  }

  /** Opens a bundled dataset's bytes; the caller closes the stream. */
  public static InputStream open(String name) {
    InputStream in = DemoDatasets.class.getResourceAsStream(name);
    if (in == null) {
      throw new IllegalArgumentException(
          "no bundled dataset '" + name + "'; there are " + INSTRUCTIONS + " and " + STORIES);
    }
    return in;
  }
}
