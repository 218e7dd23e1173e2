package dev.armory.engine.generate.adapters;

import java.nio.file.Path;
import java.util.List;

/**
 * A registered adapter as clients see it.
 *
 * @param id the name requests use
 * @param directory where adapter_config.json and adapter_model.safetensors live
 * @param rank the adapter's largest r
 * @param targetModules full names of the modules it adapts
 * @param bytes its factors' size in float32 (what it costs the memory budget when loaded)
 * @param loaded true while its factors are resident in a slot
 */
public record AdapterInfo(
    String id, Path directory, int rank, List<String> targetModules, long bytes, boolean loaded) {
  public AdapterInfo {
    targetModules = List.copyOf(targetModules);
  }
}
