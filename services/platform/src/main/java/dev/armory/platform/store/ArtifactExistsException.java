package dev.armory.platform.store;

import dev.armory.events.v1.ArtifactKind;
import java.nio.file.Path;

/** A staged artifact could not be committed because one with the same id is already stored. */
public class ArtifactExistsException extends RuntimeException {

  private final ArtifactKind kind;
  private final String id;

  public ArtifactExistsException(ArtifactKind kind, String id, Path target) {
    super(
        ArtifactStore.folder(kind)
            + " artifact '"
            + id
            + "' already exists at "
            + target
            + ": artifacts are immutable, choose another id");
    this.kind = kind;
    this.id = id;
  }

  public ArtifactKind kind() {
    return kind;
  }

  public String id() {
    return id;
  }
}
