package dev.armory.platform.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Durable record of which idempotency keys a consumer has acted on, kept as one small JSON file per
 * key under {@code ROOT/processed/<scope>/}. Creating a record is atomic (a hard link that fails if
 * the file exists), so two deliveries racing for the same key cannot both win.
 *
 * <p>Two ways to use it: {@link #runOnce} for effects that finish inside the handler (re-run only
 * if the process died before the record was written, so the effect must be safe to repeat), and
 * {@link #claim}/{@link #complete} for long effects such as a training run (the claim is written
 * before the effect starts, so a redelivery sees it and never starts a second one).
 */
public final class ProcessedKeys {

  /** State of a key: claimed (effect under way or interrupted) or done. */
  public enum State {
    CLAIMED,
    DONE
  }

  /**
   * One key's record.
   *
   * @param scope consumer group or service that owns the key
   * @param key the idempotency key
   * @param eventId event that claimed or completed it
   * @param state CLAIMED or DONE
   * @param at ISO-8601 time of the last change
   * @param result small facts about the effect (ids, paths) for later deliveries to report
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record KeyRecord(
      String scope,
      String key,
      String eventId,
      State state,
      String at,
      Map<String, String> result) {}

  /**
   * What {@link #runOnce} did.
   *
   * @param ranNow true when the effect ran in this call; false when the key was already done
   * @param result the effect's result, now or from the earlier run
   */
  public record Outcome(boolean ranNow, Map<String, String> result) {}

  /** An effect that returns small facts to remember with its key. */
  @FunctionalInterface
  public interface Effect {
    Map<String, String> run() throws Exception;
  }

  private static final Pattern SCOPE = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  private final Path root;

  ProcessedKeys(Path root) {
    this.root = root;
  }

  /** The record of a key, if any. */
  public Optional<KeyRecord> find(String scope, String key) {
    Path file = file(scope, key);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(ArtifactStore.JSON.readValue(file.toFile(), KeyRecord.class));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read idempotency record " + file, e);
    }
  }

  /** True once a key is done. */
  public boolean isDone(String scope, String key) {
    return find(scope, key).map(r -> r.state() == State.DONE).orElse(false);
  }

  /** Claims a key before a long effect; false when any record (claimed or done) exists already. */
  public boolean claim(String scope, String key, String eventId) {
    return create(new KeyRecord(scope, key, eventId, State.CLAIMED, now(), Map.of()));
  }

  /** Marks a key done with its result, replacing a claim. */
  public void complete(String scope, String key, String eventId, Map<String, String> result) {
    Path file = file(scope, key);
    mkdirs(file.getParent());
    ArtifactStore.writeJsonAtomically(
        file, new KeyRecord(scope, key, eventId, State.DONE, now(), Map.copyOf(result)));
  }

  /**
   * Runs an effect unless its key is already done, then records it done. If two deliveries run
   * concurrently both may run the effect; only the first record is kept.
   */
  public Outcome runOnce(String scope, String key, String eventId, Effect effect) throws Exception {
    Optional<KeyRecord> existing = find(scope, key);
    if (existing.isPresent() && existing.get().state() == State.DONE) {
      return new Outcome(false, existing.get().result());
    }
    Map<String, String> result = effect.run();
    Map<String, String> kept = result == null ? Map.of() : Map.copyOf(result);
    if (existing.isPresent()) {
      complete(scope, key, eventId, kept);
    } else if (!create(new KeyRecord(scope, key, eventId, State.DONE, now(), kept))) {
      complete(scope, key, eventId, kept);
    }
    return new Outcome(true, kept);
  }

  private boolean create(KeyRecord record) {
    Path file = file(record.scope(), record.key());
    mkdirs(file.getParent());
    Path tmp = file.resolveSibling(".key-" + UUID.randomUUID() + ".tmp");
    try {
      ArtifactStore.JSON.writeValue(tmp.toFile(), record);
      // A hard link is created atomically and fails if the name exists: first writer wins.
      Files.createLink(file, tmp);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write idempotency record " + file, e);
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // a stray temp file is harmless; the record decides
      }
    }
  }

  private Path file(String scope, String key) {
    if (scope == null || !SCOPE.matcher(scope).matches()) {
      throw new IllegalArgumentException(
          "idempotency scope '" + scope + "' must be 1-128 letters, digits, '.', '_' or '-'");
    }
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("idempotency key is empty: derive it from the event");
    }
    String hash = ArtifactStore.sha256(key.getBytes(StandardCharsets.UTF_8));
    return root.resolve(scope).resolve(hash.substring(0, 2)).resolve(hash + ".json");
  }

  private static void mkdirs(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
  }

  private static String now() {
    return Instant.now().toString();
  }
}
