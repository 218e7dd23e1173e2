package dev.armory.inference;

import dev.armory.engine.generate.ServingEngine;
import dev.armory.engine.generate.adapters.AdapterInfo;
import dev.armory.engine.generate.adapters.AdapterRegistry;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adapters of the served model: list, load, unload, and {@link #hotLoad}, the entry point for other
 * in-process components (e.g. an {@code AdapterPublished} event consumer) that publish a new
 * adapter to the running server.
 */
@Singleton
public final class AdapterService {
  private static final Logger LOG = LoggerFactory.getLogger(AdapterService.class);

  private final AdapterRegistry registry; // null: the served model takes no adapters
  private final String model;
  private final List<Path> roots;

  AdapterService(ServingEngine engine, InferenceConfig config) {
    this.registry = engine.adapterRegistry().orElse(null);
    this.model = config.requireModelDir().toString();
    this.roots =
        config.allowedAdapterRoots().stream().map(p -> p.toAbsolutePath().normalize()).toList();
  }

  /** Registered adapters by id (none when the served model takes no adapters). */
  public List<AdapterInfo> list() {
    return registry == null ? List.of() : registry.list();
  }

  private AdapterRegistry registry() {
    if (registry == null) {
      throw new AdaptersUnsupportedException(
          model
              + " is an ONNX export, served without adapters: merge adapters before exporting,"
              + " or serve the Hugging Face directory to apply them per request");
    }
    return registry;
  }

  /**
   * Registers the adapter in {@code dir} under {@code id} (replacing an idle adapter of that id)
   * and makes it resident, so requests naming {@code id} can use it at once and the first pays no
   * load. Trusts {@code dir}: callers in this JVM, not API clients, choose it.
   *
   * @throws IOException when the directory is not a readable adapter for the served model
   * @throws IllegalStateException when running requests use the adapter {@code id} names now
   */
  public AdapterInfo hotLoad(String id, Path dir) throws IOException {
    registry().register(id, dir);
    AdapterInfo info = registry().load(id);
    LOG.info("adapter '{}' loaded from {} (rank {}, {} bytes)", id, dir, info.rank(), info.bytes());
    return info;
  }

  /**
   * As {@link #hotLoad}, for a path an API client gave: relative paths resolve against the adapters
   * directory, and the result must lie inside one of the allowed adapter roots.
   */
  AdapterInfo loadFromClientPath(String id, String path) throws IOException {
    registry();
    if (roots.isEmpty()) {
      throw new AdapterPathException(
          "this server has no adapters directory or adapter roots, so LoadAdapter cannot take a"
              + " path; set armory.inference.adapters-dir or adapter-roots");
    }
    Path given = Path.of(path);
    Path dir = (given.isAbsolute() ? given : roots.get(0).resolve(given)).normalize();
    boolean inside = roots.stream().anyMatch(dir::startsWith);
    if (!inside) {
      throw new AdapterPathException(
          "adapter path '" + path + "' is outside the adapter roots " + roots);
    }
    if (!Files.isDirectory(dir)) {
      throw new NoSuchFileException(
          dir + ": no such adapter directory (it needs adapter_config.json)");
    }
    // Symbolic links could lead out of the roots; compare real paths too.
    Path real = dir.toRealPath();
    boolean reallyInside =
        roots.stream()
            .filter(Files::isDirectory)
            .anyMatch(
                r -> {
                  try {
                    return real.startsWith(r.toRealPath());
                  } catch (IOException e) {
                    return false;
                  }
                });
    if (!reallyInside) {
      throw new AdapterPathException(
          "adapter path '" + path + "' leads outside the adapter roots " + roots);
    }
    return hotLoad(id, dir);
  }

  /** Makes a registered adapter resident. */
  AdapterInfo load(String id) throws IOException {
    return registry().load(id);
  }

  /**
   * Unloads {@code id} (now, or when its running requests finish); with {@code forget} also
   * unregisters it. Returns whether it was resident.
   */
  boolean unload(String id, boolean forget) {
    boolean wasLoaded = registry().info(id).loaded();
    if (forget) {
      registry().unregister(id);
    } else {
      registry().unload(id);
    }
    return wasLoaded;
  }
}
