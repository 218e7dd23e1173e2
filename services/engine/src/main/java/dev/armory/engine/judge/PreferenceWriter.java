package dev.armory.engine.judge;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Writes preference records as JSONL (UTF-8, one compact object per line, '\n' line ends),
 * atomically: a temporary file beside the target, then a rename.
 */
public final class PreferenceWriter {
  private static final ObjectMapper JSON = new ObjectMapper();

  private PreferenceWriter() {}

  /** Writes {@code records} to {@code file}, replacing it. */
  public static void write(Path file, List<PreferenceRecord> records) throws IOException {
    Path absolute = file.toAbsolutePath();
    Path dir = absolute.getParent();
    Files.createDirectories(dir);
    Path temp = Files.createTempFile(dir, absolute.getFileName() + ".", ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(temp)) {
        for (PreferenceRecord r : records) {
          out.write(JSON.writeValueAsBytes(r.toJson()));
          out.write('\n');
        }
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
  }
}
