package dev.armory.platform.store;

import dev.armory.events.v1.ArtifactKind;
import dev.armory.events.v1.ArtifactRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * An artifact being written: write files under {@link #dir()}, then {@link #commit}. Closing
 * without committing deletes the staging folder.
 */
public final class StagedArtifact implements AutoCloseable {

  private final ArtifactStore store;
  private final ArtifactKind kind;
  private final String id;
  private final Path staging;
  private final Path target;
  private boolean committed;

  StagedArtifact(ArtifactStore store, ArtifactKind kind, String id, Path staging, Path target) {
    this.store = store;
    this.kind = kind;
    this.id = id;
    this.staging = staging;
    this.target = target;
  }

  /** Folder to write the artifact's files into. */
  public Path dir() {
    return staging;
  }

  /** Where the artifact will be once committed. */
  public Path target() {
    return target;
  }

  /**
   * Hashes the files, writes manifest.json and moves the folder into place atomically.
   *
   * @throws ArtifactExistsException when an artifact with this id was committed meanwhile
   */
  public ArtifactManifest commit(ManifestDetails details) {
    if (committed) {
      throw new IllegalStateException(
          "artifact " + ArtifactStore.folder(kind) + "/" + id + " is already committed");
    }
    ArtifactManifest m = store.writeManifest(staging, kind, id, details);
    store.publish(staging, target, kind, id);
    committed = true;
    return m;
  }

  /** Reference to the committed artifact. */
  public ArtifactRef ref() {
    return store.ref(kind, id);
  }

  @Override
  public void close() {
    if (committed || !Files.exists(staging)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(staging)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete staging folder " + staging, e);
    }
  }
}
