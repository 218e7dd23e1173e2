package dev.armory.engine.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.armory.engine.safetensors.DType;
import dev.armory.engine.safetensors.SafetensorsFile;
import dev.armory.engine.safetensors.SafetensorsWriter;
import dev.armory.engine.safetensors.TensorInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A training checkpoint: the directory {@code checkpoints/step-000123/} holding
 *
 * <ul>
 *   <li>{@code trainable.safetensors}: the trainable tensors, keys verbatim;
 *   <li>{@code optimizer.safetensors}: AdamW moments as {@code exp_avg.<name>} and {@code
 *       exp_avg_sq.<name>};
 *   <li>{@code state.json}: {@link CheckpointState} (step, schedule, RNG, data cursor, config);
 *   <li>{@code adapter/}: whatever the caller's {@link AdapterWriter} writes (optional).
 * </ul>
 *
 * It appears atomically: everything is written into a temporary directory beside it, flushed to
 * disk, then renamed into place, so a crash leaves either the whole checkpoint or none.
 */
public final class Checkpoint {
  public static final String TRAINABLE_FILE = "trainable.safetensors";
  public static final String OPTIMIZER_FILE = "optimizer.safetensors";
  public static final String STATE_FILE = "state.json";
  public static final String ADAPTER_DIR = "adapter";
  private static final Pattern NAME = Pattern.compile("step-(\\d{6,})");
  private static final Pattern OLD = Pattern.compile("\\.old-(step-\\d{6,})-\\d+");

  private final Path dir;
  private final CheckpointState state;

  private Checkpoint(Path dir, CheckpointState state) {
    this.dir = dir;
    this.state = state;
  }

  /** The directory name of the checkpoint after {@code step} steps: {@code step-000123}. */
  public static String directoryName(int step) {
    return String.format("step-%06d", step);
  }

  /** Writes a checkpoint into {@code checkpointsDir} atomically and returns its directory. */
  public static Path write(
      Path checkpointsDir,
      CheckpointState state,
      Parameters params,
      AdamW optimizer,
      AdapterWriter adapter)
      throws IOException {
    Files.createDirectories(checkpointsDir);
    Path target = checkpointsDir.resolve(directoryName(state.step()));
    Path tmp = Files.createTempDirectory(checkpointsDir, ".tmp-" + target.getFileName() + "-");
    try {
      SafetensorsWriter trainable = new SafetensorsWriter();
      for (Parameter p : params.all()) {
        addF32(trainable, p.name(), p);
      }
      trainable.metadata("format", "armory-checkpoint").write(tmp.resolve(TRAINABLE_FILE));
      SafetensorsWriter moments = new SafetensorsWriter();
      for (Parameter p : optimizer.firstMoments().all()) {
        addF32(moments, "exp_avg." + p.name(), p);
      }
      for (Parameter p : optimizer.secondMoments().all()) {
        addF32(moments, "exp_avg_sq." + p.name(), p);
      }
      moments
          .metadata("optimizer", "AdamW")
          .metadata("step", Long.toString(optimizer.stepCount()))
          .write(tmp.resolve(OPTIMIZER_FILE));
      if (adapter != null) {
        Path a = tmp.resolve(ADAPTER_DIR);
        Files.createDirectories(a);
        adapter.write(a, params);
      }
      Files.write(tmp.resolve(STATE_FILE), JsonCodec.JSON.writeValueAsBytes(state));
      AtomicFiles.fsyncTree(tmp);
      if (Files.exists(target)) {
        // A directory cannot be renamed over a non-empty one: move the old aside first.
        Path old = checkpointsDir.resolve(".old-" + target.getFileName() + "-" + System.nanoTime());
        AtomicFiles.move(target, old);
        AtomicFiles.move(tmp, target);
        AtomicFiles.deleteTree(old);
      } else {
        AtomicFiles.move(tmp, target);
      }
      return target;
    } finally {
      AtomicFiles.deleteTree(tmp);
    }
  }

  // Streams a parameter as little-endian F32 whatever the platform's byte order.
  private static void addF32(SafetensorsWriter w, String key, Parameter p) {
    FloatBuffer src = p.data();
    int n = p.size();
    w.add(
        key,
        DType.F32,
        p.shape(),
        out -> {
          ByteBuffer chunk = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
          int perChunk = chunk.capacity() / Float.BYTES;
          for (int i = 0; i < n; i += perChunk) {
            chunk.clear();
            int end = Math.min(n, i + perChunk);
            for (int j = i; j < end; j++) {
              chunk.putFloat(src.get(j));
            }
            chunk.flip();
            while (chunk.hasRemaining()) {
              out.write(chunk);
            }
          }
        });
  }

  /** Reads the checkpoint in {@code dir} (its state; tensors load with {@link #loadInto}). */
  public static Checkpoint read(Path dir) throws IOException {
    Path stateFile = dir.resolve(STATE_FILE);
    if (!Files.isRegularFile(stateFile)) {
      throw new IOException(
          dir
              + " is not a checkpoint: "
              + STATE_FILE
              + " is missing; pick a step-NNNNNN directory");
    }
    try {
      return new Checkpoint(
          dir, JsonCodec.JSON.readValue(stateFile.toFile(), CheckpointState.class));
    } catch (JsonProcessingException e) {
      throw new IOException(stateFile + ": unreadable checkpoint state: " + e.getMessage(), e);
    }
  }

  public Path directory() {
    return dir;
  }

  public CheckpointState state() {
    return state;
  }

  /**
   * Copies the saved tensors into {@code params} and the optimizer; names and shapes must match.
   */
  public void loadInto(Parameters params, AdamW optimizer) throws IOException {
    try (SafetensorsFile f = SafetensorsFile.open(dir.resolve(TRAINABLE_FILE))) {
      for (Parameter p : params.all()) {
        read(f, p.name(), p);
      }
    }
    Parameters m = params.zerosLike();
    Parameters v = params.zerosLike();
    try (SafetensorsFile f = SafetensorsFile.open(dir.resolve(OPTIMIZER_FILE))) {
      for (Parameter p : m.all()) {
        read(f, "exp_avg." + p.name(), p);
      }
      for (Parameter p : v.all()) {
        read(f, "exp_avg_sq." + p.name(), p);
      }
    }
    optimizer.restore(state.optimizerSteps(), m, v);
  }

  private static void read(SafetensorsFile f, String key, Parameter into) {
    if (!f.contains(key)) {
      throw new IllegalArgumentException(
          f.path()
              + ": no tensor '"
              + key
              + "'; the checkpoint was written for other parameters ("
              + f.names()
              + ")");
    }
    TensorInfo t = f.info(key);
    if (t.dtype() != DType.F32 || !Arrays.equals(t.shape(), into.shape())) {
      throw new IllegalArgumentException(
          f.path()
              + ": tensor '"
              + key
              + "' is "
              + t.dtype()
              + " "
              + t.shapeString()
              + " but the parameter is F32 "
              + Arrays.toString(into.shape()));
    }
    FloatBuffer src = f.data(key).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    into.data().put(0, src, 0, into.size());
  }

  /** Checkpoint directories under {@code checkpointsDir}, oldest step first. */
  public static List<Path> list(Path checkpointsDir) throws IOException {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(checkpointsDir)) {
      return out;
    }
    try (Stream<Path> s = Files.list(checkpointsDir)) {
      s.filter(p -> stepOf(p) >= 0 && Files.isRegularFile(p.resolve(STATE_FILE)))
          .sorted((a, b) -> Integer.compare(stepOf(a), stepOf(b)))
          .forEach(out::add);
    }
    return out;
  }

  /** The checkpoint with the highest step, if any. */
  public static Optional<Path> latest(Path checkpointsDir) throws IOException {
    List<Path> all = list(checkpointsDir);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
  }

  /** The step encoded in a checkpoint directory name, or -1 when it is not one. */
  public static int stepOf(Path dir) {
    Matcher m = NAME.matcher(dir.getFileName().toString());
    return m.matches() ? Integer.parseInt(m.group(1)) : -1;
  }

  /** Deletes all but the newest {@code keepLast} checkpoints and the one at {@code keepStep}. */
  public static void prune(Path checkpointsDir, int keepLast, int keepStep) throws IOException {
    List<Path> all = list(checkpointsDir);
    for (int i = 0; i < all.size() - keepLast; i++) {
      if (stepOf(all.get(i)) != keepStep) {
        AtomicFiles.deleteTree(all.get(i));
      }
    }
  }

  /** Removes temporary directories a crash left behind. */
  static void removeLeftovers(Path checkpointsDir) throws IOException {
    if (!Files.isDirectory(checkpointsDir)) {
      return;
    }
    try (Stream<Path> s = Files.list(checkpointsDir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String n = p.getFileName().toString();
        Matcher old = OLD.matcher(n);
        if (old.matches() && !Files.exists(checkpointsDir.resolve(old.group(1)))) {
          AtomicFiles.move(p, checkpointsDir.resolve(old.group(1))); // crashed mid-replace
        } else if (n.startsWith(".tmp-") || n.startsWith(".old-")) {
          AtomicFiles.deleteTree(p);
        }
      }
    }
  }
}
