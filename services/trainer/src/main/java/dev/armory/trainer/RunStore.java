package dev.armory.trainer;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.armory.events.v1.ArtifactKind;
import dev.armory.events.v1.TrainingRequested;
import dev.armory.platform.store.ArtifactStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The runs the trainer knows, in the artifact store's run folders:
 *
 * <pre>
 *   runs/&lt;id&gt;/request.json   the TrainingRequested (canonical proto3 JSON), written once
 *   runs/&lt;id&gt;/run.json       {@link RunState}, rewritten atomically at each change
 *   runs/&lt;id&gt;/train/         the engine's run directory (adapter, checkpoints, metrics.jsonl,
 *                          loss.png, the engine's manifest.json)
 *   runs/&lt;id&gt;/manifest.json  the store manifest, written when the run completed
 * </pre>
 */
public final class RunStore {
  public static final String REQUEST_FILE = "request.json";
  public static final String STATE_FILE = "run.json";
  public static final String TRAIN_DIR = "train";

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final ArtifactStore store;

  public RunStore(ArtifactStore store) {
    this.store = store;
  }

  public ArtifactStore artifacts() {
    return store;
  }

  /** The run's folder (it may not exist yet). */
  public Path runDir(String runId) {
    return store.dir(ArtifactKind.ARTIFACT_KIND_RUN, runId);
  }

  /** The engine's run directory inside the run's folder. */
  public Path trainDir(String runId) {
    return runDir(runId).resolve(TRAIN_DIR);
  }

  /**
   * Stores a new run's request and state. Returns false, changing nothing, when the run id already
   * has a request (a redelivery, or another request reusing the id).
   */
  public boolean create(TrainingRequested request, RunState state) {
    Path dir = store.workDir(ArtifactKind.ARTIFACT_KIND_RUN, state.runId());
    Path requestFile = dir.resolve(REQUEST_FILE);
    if (Files.exists(requestFile)) {
      return false;
    }
    save(state);
    // The request appears last and atomically (a hard link fails if the name exists): a run with a
    // request.json always has a run.json, and of two racing deliveries only one creates it.
    Path tmp = dir.resolve(".request-" + UUID.randomUUID() + ".tmp");
    try {
      Files.writeString(tmp, toJson(request), StandardCharsets.UTF_8);
      Files.createLink(requestFile, tmp);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + requestFile + ": " + e.getMessage(), e);
    } finally {
      deleteQuietly(tmp);
    }
  }

  /** The run's stored request, if the run exists. */
  public Optional<TrainingRequested> request(String runId) {
    Path file = runDir(runId).resolve(REQUEST_FILE);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(fromJson(Files.readString(file, StandardCharsets.UTF_8), file.toString()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** The run's recorded state, if any. */
  public Optional<RunState> state(String runId) {
    Path file = runDir(runId).resolve(STATE_FILE);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(file.toFile(), RunState.class));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read run state " + file + ": " + e.getMessage() + " (fix or delete the file)", e);
    }
  }

  /** Writes the run's state atomically. */
  public void save(RunState state) {
    Path dir = store.workDir(ArtifactKind.ARTIFACT_KIND_RUN, state.runId());
    Path file = dir.resolve(STATE_FILE);
    Path tmp = dir.resolve(".run-" + UUID.randomUUID() + ".tmp");
    try {
      JSON.writeValue(tmp.toFile(), state);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** Runs with a request whose state is not final (accepted or running), oldest first. */
  public List<RunState> unfinished() {
    Path runs = store.root().resolve(ArtifactStore.folder(ArtifactKind.ARTIFACT_KIND_RUN));
    List<RunState> out = new ArrayList<>();
    if (!Files.isDirectory(runs)) {
      return out;
    }
    try (Stream<Path> s = Files.list(runs)) {
      for (Path dir : s.sorted().toList()) {
        if (!Files.isRegularFile(dir.resolve(REQUEST_FILE))) {
          continue;
        }
        state(dir.getFileName().toString())
            .filter(st -> !st.status().terminal())
            .ifPresent(out::add);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + runs, e);
    }
    out.sort((a, b) -> a.acceptedAt().compareTo(b.acceptedAt()));
    return out;
  }

  /** The canonical proto3 JSON of a request (what request.json holds). */
  public static String toJson(TrainingRequested request) {
    try {
      return JsonFormat.printer().print(request) + "\n";
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print TrainingRequested as JSON", e);
    }
  }

  /** Parses proto3 JSON of a TrainingRequested; errors name {@code source}. */
  public static TrainingRequested fromJson(String json, String source) {
    TrainingRequested.Builder b = TrainingRequested.newBuilder();
    try {
      JsonFormat.parser().ignoringUnknownFields().merge(json, b);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(
          source
              + " is not a TrainingRequested in proto3 JSON: "
              + e.getMessage()
              + " (fields as in proto/armory/events/v1/training.proto, e.g. {\"runId\": \"r1\","
              + " \"baseModel\": {\"kind\": \"ARTIFACT_KIND_MODEL\", \"id\": \"tiny\"}, ...})",
          e);
    }
    return b.build();
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // a stray temporary file is harmless
    }
  }
}
