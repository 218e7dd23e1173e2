package dev.armory.engine.merge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.armory.engine.finetune.BaseWeights;
import dev.armory.engine.peft.LoraConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where an adapter came from, as far as its directory tells: the adapter directory itself (a run
 * directory is accepted for its {@code adapter/}), and the base weights it was trained against,
 * read from the run's manifest.json ({@code lineage.base_weights}) in the adapter's directory or up
 * to three levels above it (run/adapter, run/checkpoints/step-N/adapter).
 */
public final class AdapterProvenance {
  private AdapterProvenance() {}

  /** The base weights an adapter was trained against, and how that was decided. */
  public record ResolvedBase(BaseWeights weights, String source) {}

  /** {@code dir}, or {@code dir/adapter} when {@code dir} is a run directory. */
  public static Path adapterDirectory(Path dir) {
    if (!Files.isRegularFile(dir.resolve(LoraConfig.FILE))
        && Files.isRegularFile(dir.resolve("adapter").resolve(LoraConfig.FILE))) {
      return dir.resolve("adapter");
    }
    return dir;
  }

  /** The run manifest's base weights for the adapter in {@code adapterDir}, if one is found. */
  public static Optional<ResolvedBase> fromManifest(Path adapterDir) throws IOException {
    Path d = adapterDir.toAbsolutePath().normalize();
    for (int up = 0; up <= 3 && d != null; up++, d = d.getParent()) {
      Path manifest = d.resolve("manifest.json");
      if (!Files.isRegularFile(manifest)) {
        continue;
      }
      JsonNode base = ModelDirectoryFiles.JSON.readTree(manifest.toFile()).path("lineage");
      if (base.hasNonNull("base_weights")) {
        String value = base.get("base_weights").asText().replace('_', '-');
        BaseWeights w =
            switch (value) {
              case "nf4-no-double-quant" -> BaseWeights.NF4_NO_DOUBLE_QUANT;
              default -> BaseWeights.parse(value);
            };
        return Optional.of(new ResolvedBase(w, manifest.toString()));
      }
    }
    return Optional.empty();
  }

  /**
   * The base for a merge of {@code adapterDirs}: {@code requested} when given; else what their run
   * manifests say (they must agree); else float32.
   */
  public static ResolvedBase resolve(BaseWeights requested, List<Path> adapterDirs)
      throws IOException {
    if (requested != null) {
      return new ResolvedBase(requested, "requested");
    }
    ResolvedBase found = null;
    for (Path dir : adapterDirs) {
      Optional<ResolvedBase> r = fromManifest(dir);
      if (r.isEmpty()) {
        continue;
      }
      if (found != null && found.weights() != r.get().weights()) {
        throw new IllegalArgumentException(
            "the adapters were trained against different bases: "
                + found.weights()
                + " ("
                + found.source()
                + ") and "
                + r.get().weights()
                + " ("
                + r.get().source()
                + "); choose one with --base-weights");
      }
      found = r.get();
    }
    return found != null ? found : new ResolvedBase(BaseWeights.FLOAT32, "default");
  }
}
