package dev.armory.engine.generate.adapters;

import dev.armory.engine.models.LinearModule;
import dev.armory.engine.models.ModelArchitecture;
import dev.armory.engine.peft.AdapterFormatException;
import dev.armory.engine.peft.LoraAdapter;
import dev.armory.engine.peft.LoraConfig;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The LoRA adapters one base model can serve. Registering reads only adapter_config.json; an
 * adapter's factors are loaded into a slot of the stacked graph inputs when a request needs it (or
 * on {@link #load}) and stay resident, least recently used first out, while the resident adapters'
 * bytes fit the memory budget. Adapters pinned by running requests ({@link #acquire}) are never
 * evicted. Thread-safe: every method holds the registry's lock, loading from disk included.
 */
public final class AdapterRegistry {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private record Registered(
      String id, Path dir, LoraConfig config, List<LinearModule> targets, int rank, long bytes) {}

  private static final class Resident {
    final int slot;
    final long bytes;
    int pins;
    boolean unloadWhenFree;

    Resident(int slot, long bytes) {
      this.slot = slot;
      this.bytes = bytes;
    }
  }

  private final ModelArchitecture architecture;
  private final long budgetBytes;
  private final Map<String, Registered> registered = new TreeMap<>();
  private final LinkedHashMap<String, Resident> resident = new LinkedHashMap<>(16, 0.75f, true);
  private final Deque<Integer> freeSlots = new ArrayDeque<>();
  private final LoraSlots slots = new LoraSlots();
  private long residentBytes;
  private long hits;
  private long misses;
  private long loads;
  private long evictions;

  /**
   * @param architecture the base model adapters must fit
   * @param budgetBytes how many bytes of adapter factors may be resident at once
   */
  public AdapterRegistry(ModelArchitecture architecture, long budgetBytes) {
    if (budgetBytes <= 0) {
      throw new IllegalArgumentException(
          "the adapter memory budget must be positive, got " + budgetBytes);
    }
    this.architecture = architecture;
    this.budgetBytes = budgetBytes;
  }

  /**
   * Registers the adapter in {@code dir} under {@code id} (replacing a cold registration of that
   * id), checking its config against the base model; its weights are read when first needed.
   */
  public synchronized AdapterInfo register(String id, Path dir) throws IOException {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "adapter id '"
              + id
              + "' is not valid: use 1-128 of A-Z a-z 0-9 . _ - (not starting with . _ -)");
    }
    LoraConfig config = LoraConfig.read(dir, architecture.modelType());
    if (!Files.isRegularFile(dir.resolve(LoraAdapter.WEIGHTS_FILE))) {
      throw new AdapterFormatException(
          dir.resolve(LoraAdapter.WEIGHTS_FILE)
              + ": not found; an adapter directory needs it beside "
              + LoraConfig.FILE);
    }
    List<LinearModule> targets = config.targets().select(architecture);
    if (targets.isEmpty()) {
      throw new AdapterFormatException(
          dir.resolve(LoraConfig.FILE)
              + ": target_modules select no linear layer of this "
              + architecture.modelType()
              + " model; targetable names: "
              + architecture.targetableNames());
    }
    int rank = 0;
    long bytes = 0;
    for (LinearModule m : targets) {
      int r = config.rankOf(m);
      rank = Math.max(rank, r);
      bytes += 4L * r * (m.inFeatures() + m.outFeatures());
    }
    Resident old = resident.get(id);
    if (old != null && old.pins > 0) {
      throw new IllegalStateException(
          "adapter '"
              + id
              + "' is in use by running requests; unregister it and register the new one under another id");
    }
    if (old != null) {
      free(id);
    }
    Registered r = new Registered(id, dir, config, targets, rank, bytes);
    registered.put(id, r);
    return info(r);
  }

  /** Registers every subdirectory of {@code dir} holding an adapter_config.json, by its name. */
  public List<AdapterInfo> registerAll(Path dir) throws IOException {
    List<AdapterInfo> out = new ArrayList<>();
    try (Stream<Path> children = Files.list(dir)) {
      for (Path child : children.sorted().toList()) {
        if (Files.isRegularFile(child.resolve(LoraConfig.FILE))) {
          out.add(register(child.getFileName().toString(), child));
        }
      }
    }
    return out;
  }

  /**
   * Forgets {@code id}: new requests cannot use it; if running requests use it, its slot is freed
   * when the last of them finishes.
   */
  public synchronized void unregister(String id) {
    require(id);
    registered.remove(id);
    Resident r = resident.get(id);
    if (r != null) {
      if (r.pins == 0) {
        free(id);
      } else {
        r.unloadWhenFree = true;
      }
    }
  }

  public synchronized boolean isRegistered(String id) {
    return registered.containsKey(id);
  }

  /** Registered adapters by id. */
  public synchronized List<AdapterInfo> list() {
    return registered.values().stream().map(this::info).toList();
  }

  /** The adapter registered as {@code id}. */
  public synchronized AdapterInfo info(String id) {
    return info(require(id));
  }

  /** Makes {@code id} resident (loading it if cold, evicting others if needed). */
  public synchronized AdapterInfo load(String id) throws IOException {
    Registered r = require(id);
    if (!resident.containsKey(id)) {
      makeResident(r);
    }
    return info(r);
  }

  /**
   * Unloads {@code id} now, or when the requests using it finish; it stays registered. Returns true
   * when it was resident.
   */
  public synchronized boolean unload(String id) {
    require(id);
    Resident r = resident.get(id);
    if (r == null) {
      return false;
    }
    if (r.pins == 0) {
      free(id);
    } else {
      r.unloadWhenFree = true;
    }
    return true;
  }

  /**
   * Pins {@code id} for a request, loading it first if it is cold (a cache miss). Close the lease
   * when the request ends.
   *
   * @throws UnknownAdapterException when no adapter is registered as {@code id}
   * @throws AdapterCapacityException when it cannot be made resident within the budget
   * @throws IOException when its weights cannot be read
   */
  public synchronized AdapterLease acquire(String id) throws IOException {
    Registered r = require(id);
    Resident res = resident.get(id);
    if (res == null || res.unloadWhenFree) {
      misses++;
      if (res == null) {
        res = makeResident(r);
      }
      res.unloadWhenFree = false;
    } else {
      hits++;
    }
    res.pins++;
    return new AdapterLease(this, id, res.slot);
  }

  synchronized void release(String id) {
    Resident r = resident.get(id);
    if (r == null) {
      return;
    }
    r.pins--;
    if (r.pins == 0 && r.unloadWhenFree) {
      free(id);
    }
  }

  /** The stacked factors as they stand (buffers are replaced, never resized, when they grow). */
  public synchronized SlotStacks stacks() {
    Map<String, FloatBuffer> a = new LinkedHashMap<>();
    Map<String, FloatBuffer> b = new LinkedHashMap<>();
    for (LinearModule m : slots.modules()) {
      a.put(m.name(), slots.a(m.name()));
      b.put(m.name(), slots.b(m.name()));
    }
    return new SlotStacks(slots.version(), slots.modules(), slots.rank(), slots.slots(), a, b);
  }

  public synchronized AdapterStats stats() {
    return new AdapterStats(
        registered.size(),
        resident.size(),
        residentBytes,
        budgetBytes,
        slots.bytes(),
        hits,
        misses,
        loads,
        evictions);
  }

  private Registered require(String id) {
    Registered r = registered.get(id);
    if (r == null) {
      throw new UnknownAdapterException(
          "no adapter is registered as '"
              + id
              + "'"
              + (registered.isEmpty() ? "" : "; registered: " + firstIds()));
    }
    return r;
  }

  private String firstIds() {
    List<String> ids = registered.keySet().stream().limit(10).toList();
    return ids
        + (registered.size() > ids.size()
            ? " and " + (registered.size() - ids.size()) + " more"
            : "");
  }

  private Resident makeResident(Registered r) throws IOException {
    if (r.bytes() > budgetBytes) {
      throw new AdapterCapacityException(
          "adapter '"
              + r.id()
              + "' needs "
              + r.bytes()
              + " bytes, more than the whole adapter memory budget of "
              + budgetBytes
              + " bytes; raise the budget");
    }
    // Evict least recently used adapters nobody is using until this one fits.
    Iterator<Map.Entry<String, Resident>> lru = resident.entrySet().iterator();
    List<String> victims = new ArrayList<>();
    long bytes = residentBytes;
    while (bytes + r.bytes() > budgetBytes && lru.hasNext()) {
      Map.Entry<String, Resident> e = lru.next();
      if (e.getValue().pins == 0) {
        victims.add(e.getKey());
        bytes -= e.getValue().bytes;
      }
    }
    if (bytes + r.bytes() > budgetBytes) {
      throw new AdapterCapacityException(
          "adapter '"
              + r.id()
              + "' needs "
              + r.bytes()
              + " bytes but the resident adapters in use by running"
              + " requests already hold "
              + bytes
              + " of the "
              + budgetBytes
              + "-byte adapter budget; retry when requests finish or raise the budget");
    }
    LoraAdapter adapter = LoraAdapter.load(r.dir(), architecture);
    for (String v : victims) {
      free(v);
      evictions++;
    }
    loads++;
    if (freeSlots.isEmpty()) {
      // Double the slots, but not past what the budget can fill (ranks padded to the largest).
      int from = Math.max(1, slots.slots());
      long fit = budgetBytes / Math.max(1, slots.slotBytesWith(r.targets(), r.rank())) + 1;
      int to = (int) Math.max(from + 1, Math.min(2L * from, fit));
      slots.grow(r.targets(), r.rank(), to);
      for (int s = from; s < to; s++) {
        freeSlots.add(s);
      }
    } else if (!slots.covers(r.targets(), r.rank())) {
      slots.grow(r.targets(), r.rank(), slots.slots());
    }
    int slot = freeSlots.poll();
    slots.write(slot, adapter);
    Resident res = new Resident(slot, r.bytes());
    resident.put(r.id(), res);
    residentBytes += r.bytes();
    return res;
  }

  private void free(String id) {
    Resident r = resident.remove(id);
    if (r == null) {
      return;
    }
    slots.clear(r.slot);
    freeSlots.add(r.slot);
    residentBytes -= r.bytes;
  }

  private AdapterInfo info(Registered r) {
    return new AdapterInfo(
        r.id(),
        r.dir(),
        r.rank(),
        r.targets().stream().map(LinearModule::name).toList(),
        r.bytes(),
        resident.containsKey(r.id()));
  }
}
