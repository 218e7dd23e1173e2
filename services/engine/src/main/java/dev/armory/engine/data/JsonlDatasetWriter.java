package dev.armory.engine.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Writes records in their normalised form ({@link DataRecord#toJson()}), one compact JSON object
 * per line, UTF-8, '\n' line ends. Reading the file back gives equal records.
 */
public final class JsonlDatasetWriter {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonlDatasetWriter() {}

  /** Writes the records of {@code lines} to {@code file} atomically (temporary file, rename). */
  public static void write(Path file, List<DatasetLine> lines) {
    Path absolute = file.toAbsolutePath();
    Path dir = absolute.getParent();
    try {
      Files.createDirectories(dir);
      Path temp = Files.createTempFile(dir, absolute.getFileName() + ".", ".tmp");
      try {
        try (OutputStream out = Files.newOutputStream(temp)) {
          write(out, lines);
        }
        try {
          Files.move(
              temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write dataset " + file + ": " + e.getMessage(), e);
    }
  }

  /** Writes the records of {@code lines} to a stream (left open). */
  public static void write(OutputStream out, List<DatasetLine> lines) throws IOException {
    for (DatasetLine line : lines) {
      out.write(JSON.writeValueAsBytes(line.record().toJson()));
      out.write('\n');
    }
  }
}
