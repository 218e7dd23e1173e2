package dev.armory.platform.store;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.armory.events.v1.ArtifactKind;
import dev.armory.events.v1.ArtifactRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Artifacts on a local disk or mounted volume: {@code ROOT/<kind>/<id>/} with a manifest.json
 * carrying file hashes and lineage. Finished artifacts appear atomically (staged, then renamed);
 * runs and checkpoints can also be written in place and given a manifest at the end.
 *
 * <pre>
 * ROOT/datasets/ models/ adapters/ checkpoints/ exports/ runs/   one folder per artifact id
 * ROOT/processed/   idempotency records ({@link ProcessedKeys})
 * ROOT/.staging/    artifacts being written
 * </pre>
 */
public final class ArtifactStore {

  static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private final Path root;
  private final ProcessedKeys processedKeys;

  private ArtifactStore(Path root) {
    this.root = root;
    this.processedKeys = new ProcessedKeys(root.resolve("processed"));
  }

  /** Opens (creating if needed) a store rooted at a directory. */
  public static ArtifactStore open(Path root) {
    Path abs = root.toAbsolutePath().normalize();
    try {
      Files.createDirectories(abs);
      for (ArtifactKind k : ArtifactKind.values()) {
        if (k != ArtifactKind.ARTIFACT_KIND_UNSPECIFIED && k != ArtifactKind.UNRECOGNIZED) {
          Files.createDirectories(abs.resolve(folder(k)));
        }
      }
      Files.createDirectories(abs.resolve(".staging"));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot create the artifact store at " + abs + ": check the path and permissions", e);
    }
    return new ArtifactStore(abs);
  }

  public Path root() {
    return root;
  }

  /** Durable idempotency records kept in this store. */
  public ProcessedKeys processedKeys() {
    return processedKeys;
  }

  /** Folder name of a kind: datasets, models, adapters, checkpoints, exports, runs. */
  public static String folder(ArtifactKind kind) {
    switch (kind) {
      case ARTIFACT_KIND_DATASET:
        return "datasets";
      case ARTIFACT_KIND_MODEL:
        return "models";
      case ARTIFACT_KIND_ADAPTER:
        return "adapters";
      case ARTIFACT_KIND_CHECKPOINT:
        return "checkpoints";
      case ARTIFACT_KIND_EXPORT:
        return "exports";
      case ARTIFACT_KIND_RUN:
        return "runs";
      default:
        throw new IllegalArgumentException(
            "artifact kind " + kind + " has no folder: use DATASET, MODEL, ADAPTER, ...");
    }
  }

  /** Checks an artifact id: letters, digits, '.', '_', '-', at most 128, not starting with '.'. */
  public static String checkId(String id) {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "artifact id '"
              + id
              + "' is not usable as a folder name: use 1-128 letters, digits, '.', '_' or '-',"
              + " starting with a letter or digit");
    }
    return id;
  }

  /** Folder of an artifact (it may not exist yet). */
  public Path dir(ArtifactKind kind, String id) {
    return root.resolve(folder(kind)).resolve(checkId(id));
  }

  /** True once the artifact is complete (its manifest exists). */
  public boolean exists(ArtifactKind kind, String id) {
    return Files.isRegularFile(dir(kind, id).resolve(ArtifactManifest.FILE_NAME));
  }

  /** The artifact's manifest, if it is complete. */
  public Optional<ArtifactManifest> manifest(ArtifactKind kind, String id) {
    Path file = dir(kind, id).resolve(ArtifactManifest.FILE_NAME);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(file.toFile(), ArtifactManifest.class));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read manifest " + file + ": " + e.getMessage(), e);
    }
  }

  /** A reference to a complete artifact, with its content hash. */
  public ArtifactRef ref(ArtifactKind kind, String id) {
    ArtifactManifest m =
        manifest(kind, id)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "no "
                            + folder(kind)
                            + " artifact '"
                            + id
                            + "' in "
                            + root
                            + " (or it has no manifest yet)"));
    return ArtifactRef.newBuilder().setKind(kind).setId(id).setSha256(m.sha256()).build();
  }

  /**
   * Where a reference points: the artifact folder for an id, or the path of a uri (plain path or
   * file: URI; relative paths are resolved against the store root).
   */
  public Path resolve(ArtifactRef ref) {
    if (!ref.getId().isEmpty()) {
      return dir(ref.getKind(), ref.getId());
    }
    if (ref.getUri().isEmpty()) {
      throw new IllegalArgumentException("artifact reference has neither id nor uri: set one");
    }
    return resolveUri(ref.getUri());
  }

  /** A local path from a plain path or file: URI, relative ones against the store root. */
  public Path resolveUri(String uri) {
    Path p;
    if (uri.startsWith("file:")) {
      p = Path.of(URI.create(uri));
    } else if (uri.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
      throw new IllegalArgumentException(
          "uri '" + uri + "' is not a local path or file: URI; copy it into the store first");
    } else {
      p = Path.of(uri);
    }
    return p.isAbsolute() ? p.normalize() : root.resolve(p).normalize();
  }

  /** Store-relative path with '/' separators (what events carry). */
  public String relative(Path path) {
    Path abs = path.toAbsolutePath().normalize();
    if (!abs.startsWith(root)) {
      throw new IllegalArgumentException(abs + " is not inside the artifact store " + root);
    }
    return root.relativize(abs).toString().replace('\\', '/');
  }

  /** Ids of the complete artifacts of a kind, sorted. */
  public List<String> list(ArtifactKind kind) {
    List<String> ids = new ArrayList<>();
    try (Stream<Path> s = Files.list(root.resolve(folder(kind)))) {
      s.filter(p -> Files.isRegularFile(p.resolve(ArtifactManifest.FILE_NAME)))
          .forEach(p -> ids.add(p.getFileName().toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ids.sort(null);
    return ids;
  }

  /**
   * Starts writing a new artifact in a staging folder; {@link StagedArtifact#commit} moves it into
   * place atomically, so readers never see half an artifact.
   */
  public StagedArtifact stage(ArtifactKind kind, String id) {
    Path target = dir(kind, id);
    Path staging =
        root.resolve(".staging").resolve(folder(kind) + "-" + id + "-" + UUID.randomUUID());
    try {
      Files.createDirectories(staging);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create staging folder " + staging, e);
    }
    return new StagedArtifact(this, kind, id, staging, target);
  }

  /** A folder written in place (a run, checkpoints); call {@link #writeManifest} when done. */
  public Path workDir(ArtifactKind kind, String id) {
    Path dir = dir(kind, id);
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
  }

  /** Hashes the files of an artifact folder and writes its manifest.json atomically. */
  public ArtifactManifest writeManifest(ArtifactKind kind, String id, ManifestDetails details) {
    return writeManifest(dir(kind, id), kind, id, details);
  }

  ArtifactManifest writeManifest(Path dir, ArtifactKind kind, String id, ManifestDetails d) {
    List<ArtifactManifest.FileEntry> files = new ArrayList<>();
    long total = 0;
    try (Stream<Path> walk = Files.walk(dir)) {
      List<Path> paths =
          walk.filter(Files::isRegularFile)
              .filter(p -> !p.equals(dir.resolve(ArtifactManifest.FILE_NAME)))
              .filter(p -> !p.getFileName().toString().startsWith(".manifest-"))
              .sorted()
              .toList();
      for (Path p : paths) {
        long bytes = Files.size(p);
        files.add(
            new ArtifactManifest.FileEntry(
                dir.relativize(p).toString().replace('\\', '/'), bytes, sha256(p)));
        total += bytes;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot hash the files of " + dir, e);
    }
    files.sort((a, b) -> a.path().compareTo(b.path()));
    StringBuilder listing = new StringBuilder();
    for (ArtifactManifest.FileEntry f : files) {
      listing.append(f.sha256()).append("  ").append(f.path()).append('\n');
    }
    ArtifactManifest m =
        new ArtifactManifest(
            ArtifactManifest.VERSION,
            folder(kind),
            id,
            Instant.now().toString(),
            d.producer,
            sha256(listing.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)),
            total,
            List.copyOf(files),
            List.copyOf(d.parents),
            d.hyperparameters,
            d.metrics,
            d.labels,
            d.details);
    writeJsonAtomically(dir.resolve(ArtifactManifest.FILE_NAME), m);
    return m;
  }

  /** Moves a staged folder to its final place; fails if another writer got there first. */
  void publish(Path staging, Path target, ArtifactKind kind, String id) {
    try {
      Files.createDirectories(target.getParent());
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
      throw new ArtifactExistsException(kind, id, target);
    } catch (AtomicMoveNotSupportedException e) {
      throw new UncheckedIOException(
          "the artifact store at "
              + root
              + " does not support atomic renames: use a local disk"
              + " or a POSIX volume",
          e);
    } catch (IOException e) {
      if (Files.exists(target.resolve(ArtifactManifest.FILE_NAME))) {
        // Linux reports a non-empty target as a plain FileSystemException (ENOTEMPTY).
        throw new ArtifactExistsException(kind, id, target);
      }
      throw new UncheckedIOException("cannot move " + staging + " to " + target, e);
    }
  }

  /** Writes JSON to a temporary sibling, then renames it over the target. */
  static void writeJsonAtomically(Path file, Object value) {
    Path tmp = file.resolveSibling(".manifest-" + UUID.randomUUID() + ".tmp");
    try {
      JSON.writeValue(tmp.toFile(), value);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // the original error matters more
      }
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** Hex sha256 of a file. */
  public static String sha256(Path file) throws IOException {
    MessageDigest md = digest();
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** Hex sha256 of bytes. */
  public static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(digest().digest(bytes));
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }
}
