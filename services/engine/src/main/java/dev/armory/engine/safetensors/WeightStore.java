package dev.armory.engine.safetensors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The weights of one model directory: a single {@code model.safetensors}, or the shards that {@code
 * model.safetensors.index.json} names in its {@code weight_map}. Tensors are looked up by their
 * checkpoint names, whichever shard holds them.
 */
public final class WeightStore implements AutoCloseable {
  /** The single-file checkpoint name. */
  public static final String SINGLE_FILE = "model.safetensors";

  /** The shard index name. */
  public static final String INDEX_FILE = "model.safetensors.index.json";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private final Path source;
  private final List<SafetensorsFile> files;
  private final Map<String, SafetensorsFile> fileOf; // sorted by tensor name
  private final Map<String, String> metadata;

  private WeightStore(
      Path source,
      List<SafetensorsFile> files,
      Map<String, SafetensorsFile> fileOf,
      Map<String, String> metadata) {
    this.source = source;
    this.files = List.copyOf(files);
    this.fileOf = Collections.unmodifiableMap(fileOf);
    this.metadata = Collections.unmodifiableMap(metadata);
  }

  /**
   * Opens the checkpoint in {@code modelDir}: {@code model.safetensors} when present (as Hugging
   * Face prefers it), otherwise the shards listed by {@code model.safetensors.index.json}.
   */
  public static WeightStore open(Path modelDir) throws IOException {
    if (!Files.isDirectory(modelDir)) {
      throw new SafetensorsFormatException(modelDir + ": not a directory; pass a model directory");
    }
    Path single = modelDir.resolve(SINGLE_FILE);
    if (Files.isRegularFile(single)) {
      return ofFile(single);
    }
    Path index = modelDir.resolve(INDEX_FILE);
    if (Files.isRegularFile(index)) {
      return ofIndex(index);
    }
    String hint =
        Files.exists(modelDir.resolve("pytorch_model.bin"))
            ? "; it has pytorch_model.bin, which Armory does not read (pickle can run code):"
                + " convert it to safetensors first"
            : "";
    throw new SafetensorsFormatException(
        modelDir + ": no " + SINGLE_FILE + " or " + INDEX_FILE + hint);
  }

  /** Wraps one safetensors file (any name, e.g. an adapter file). */
  public static WeightStore ofFile(Path file) throws IOException {
    SafetensorsFile f = SafetensorsFile.open(file);
    Map<String, SafetensorsFile> fileOf = new TreeMap<>();
    for (TensorInfo t : f.tensors()) {
      fileOf.put(t.name(), f);
    }
    return new WeightStore(file, List.of(f), fileOf, f.metadata());
  }

  /** Opens the shards that the index file {@code index} names. */
  public static WeightStore ofIndex(Path index) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readString(index));
    } catch (JsonProcessingException e) {
      throw new SafetensorsFormatException(
          index + ": not valid JSON: " + e.getOriginalMessage(), e);
    }
    JsonNode weightMap = root == null ? null : root.get("weight_map");
    if (weightMap == null || !weightMap.isObject()) {
      throw new SafetensorsFormatException(
          index + ": needs a 'weight_map' object mapping tensor names to shard files");
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    JsonNode meta = root.get("metadata");
    if (meta != null && meta.isObject()) {
      meta.fields().forEachRemaining(e -> metadata.put(e.getKey(), e.getValue().asText()));
    }
    Path dir = index.toAbsolutePath().getParent();
    Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
    Map<String, SafetensorsFile> fileOf = new TreeMap<>();
    try {
      for (Iterator<Map.Entry<String, JsonNode>> it = weightMap.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String tensor = e.getKey();
        if (!e.getValue().isTextual()) {
          throw new SafetensorsFormatException(
              index + ": weight_map entry for '" + tensor + "' must be a shard file name");
        }
        String shardName = e.getValue().asText();
        SafetensorsFile shard = shards.get(shardName);
        if (shard == null) {
          shard = openShard(index, dir, shardName, tensor);
          shards.put(shardName, shard);
        }
        if (!shard.contains(tensor)) {
          throw new SafetensorsFormatException(
              index
                  + ": weight_map puts tensor '"
                  + tensor
                  + "' in "
                  + shardName
                  + " but that shard has no such tensor; the index and shards do not match");
        }
        fileOf.put(tensor, shard);
      }
    } catch (IOException | RuntimeException e) {
      for (SafetensorsFile f : shards.values()) {
        f.close();
      }
      throw e;
    }
    return new WeightStore(index, new ArrayList<>(shards.values()), fileOf, metadata);
  }

  private static SafetensorsFile openShard(Path index, Path dir, String shardName, String tensor)
      throws IOException {
    Path shardPath = dir.resolve(shardName).normalize();
    if (Path.of(shardName).isAbsolute() || !shardPath.getParent().equals(dir.normalize())) {
      throw new SafetensorsFormatException(
          index + ": shard '" + shardName + "' must be a plain file name beside the index");
    }
    if (!Files.isRegularFile(shardPath)) {
      throw new SafetensorsFormatException(
          index
              + ": names shard '"
              + shardName
              + "' (for tensor '"
              + tensor
              + "') but "
              + shardPath
              + " does not exist; the download is incomplete");
    }
    return SafetensorsFile.open(shardPath);
  }

  /** The file or index this store was opened from. */
  public Path source() {
    return source;
  }

  /** The safetensors files behind this store. */
  public List<Path> files() {
    return files.stream().map(SafetensorsFile::path).toList();
  }

  /** All tensor names, sorted. */
  public List<String> names() {
    return List.copyOf(fileOf.keySet());
  }

  /** True when a tensor named {@code name} exists. */
  public boolean contains(String name) {
    return fileOf.containsKey(name);
  }

  /** Header entry of {@code name} (offsets relative to its own shard's data section). */
  public TensorInfo info(String name) {
    return file(name).info(name);
  }

  /** Every tensor's header entry, sorted by name. */
  public List<TensorInfo> tensors() {
    List<TensorInfo> out = new ArrayList<>();
    for (Map.Entry<String, SafetensorsFile> e : fileOf.entrySet()) {
      out.add(e.getValue().info(e.getKey()));
    }
    return out;
  }

  /** Read-only, little-endian, zero-copy view of the tensor's bytes. */
  public ByteBuffer data(String name) {
    return file(name).data(name);
  }

  /** The tensor as floats (from F32, F16, BF16 or F64); for small tensors. */
  public float[] readFloats(String name) {
    return file(name).readFloats(name);
  }

  /** The file holding {@code name}. */
  public SafetensorsFile file(String name) {
    SafetensorsFile f = fileOf.get(name);
    if (f == null) {
      throw new NoSuchTensorException(source.toString(), name, fileOf.keySet());
    }
    return f;
  }

  /** Metadata: the file's {@code __metadata__}, or the index's {@code metadata} object. */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** Sum of all tensors' element counts. */
  public long elementCount() {
    long n = 0;
    for (TensorInfo t : tensors()) {
      n += t.elementCount();
    }
    return n;
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (SafetensorsFile f : files) {
      try {
        f.close();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
