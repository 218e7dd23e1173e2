package dev.armory.engine.models;

import dev.armory.engine.safetensors.ClosestNames;
import dev.armory.engine.safetensors.TensorInfo;
import dev.armory.engine.safetensors.WeightStore;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An architecture's parameters matched to one checkpoint's tensors: every parameter found (under
 * its canonical name or without the architecture's optional prefix) with the shape the config
 * implies. Tensors that are ignored buffers, or the saved copy of a tied output head, are set
 * aside; anything else left over is reported as unexpected.
 */
public final class CheckpointBinding {
  private final ModelArchitecture architecture;
  private final WeightStore store;
  private final Map<String, String> tensorOf; // canonical parameter name -> checkpoint name
  private final List<String> ignored;
  private final List<String> unexpected;

  private CheckpointBinding(
      ModelArchitecture architecture,
      WeightStore store,
      Map<String, String> tensorOf,
      List<String> ignored,
      List<String> unexpected) {
    this.architecture = architecture;
    this.store = store;
    this.tensorOf = tensorOf;
    this.ignored = List.copyOf(ignored);
    this.unexpected = List.copyOf(unexpected);
  }

  static CheckpointBinding bind(ModelArchitecture arch, WeightStore store)
      throws ModelCheckpointException {
    Map<String, String> tensorOf = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    List<String> wrongShape = new ArrayList<>();
    for (ParameterSpec p : arch.parameters()) {
      String name = checkpointName(arch, store, p.name());
      if (name == null) {
        missing.add(p.name());
        continue;
      }
      long[] actual = store.info(name).shape();
      if (!Arrays.equals(actual, p.shape())) {
        wrongShape.add(
            "'"
                + name
                + "' is "
                + Arrays.toString(actual)
                + " but config.json implies "
                + Arrays.toString(p.shape()));
      }
      tensorOf.put(p.name(), name);
    }
    String source = store.source().toString();
    if (!missing.isEmpty()) {
      throw new ModelCheckpointException(
          source
              + ": "
              + missing.size()
              + " parameter(s) of "
              + arch.className()
              + " missing, e.g. '"
              + missing.get(0)
              + "' (closest tensors: "
              + ClosestNames.closest(missing.get(0), store.names(), 3)
              + "); the checkpoint does not match config.json");
    }
    if (!wrongShape.isEmpty()) {
      throw new ModelCheckpointException(
          source
              + ": "
              + wrongShape.size()
              + " tensor(s) have the wrong shape, e.g. "
              + wrongShape.get(0)
              + "; the checkpoint does not match config.json");
    }
    Set<String> used = new HashSet<>(tensorOf.values());
    List<String> ignored = new ArrayList<>();
    List<String> unexpected = new ArrayList<>();
    for (String name : store.names()) {
      if (used.contains(name)) {
        continue;
      }
      boolean tiedHeadCopy = arch.config().tieWordEmbeddings() && name.equals("lm_head.weight");
      (arch.isIgnoredBuffer(name) || tiedHeadCopy ? ignored : unexpected).add(name);
    }
    return new CheckpointBinding(arch, store, tensorOf, ignored, unexpected);
  }

  private static String checkpointName(
      ModelArchitecture arch, WeightStore store, String canonical) {
    if (store.contains(canonical)) {
      return canonical;
    }
    String prefix = arch.optionalPrefix();
    if (!prefix.isEmpty() && canonical.startsWith(prefix)) {
      String bare = canonical.substring(prefix.length());
      if (store.contains(bare)) {
        return bare;
      }
    }
    return null;
  }

  /** The architecture. */
  public ModelArchitecture architecture() {
    return architecture;
  }

  /** The checkpoint. */
  public WeightStore store() {
    return store;
  }

  /** The checkpoint's name for canonical parameter {@code parameterName}. */
  public String tensorName(String parameterName) {
    String name = tensorOf.get(parameterName);
    if (name == null) {
      throw new IllegalArgumentException(
          "'"
              + parameterName
              + "' is not a parameter of "
              + architecture.className()
              + "; closest: "
              + ClosestNames.closest(parameterName, tensorOf.keySet(), 3));
    }
    return name;
  }

  /** Header entry of a parameter (by canonical name). */
  public TensorInfo info(String parameterName) {
    return store.info(tensorName(parameterName));
  }

  /** Zero-copy bytes of a parameter (by canonical name). */
  public ByteBuffer data(String parameterName) {
    return store.data(tensorName(parameterName));
  }

  /** Sum of the element counts of the bound tensors. */
  public long parameterCount() {
    long n = 0;
    for (String t : tensorOf.values()) {
      n += store.info(t).elementCount();
    }
    return n;
  }

  /** Checkpoint tensors set aside: buffers (GPT-2 attn.bias) or a tied head's saved copy. */
  public List<String> ignoredTensors() {
    return ignored;
  }

  /** Checkpoint tensors that belong to no parameter of this architecture. */
  public List<String> unexpectedTensors() {
    return unexpected;
  }
}
