package dev.armory.engine.train;

import java.util.Map;

/**
 * Where a run's inputs came from, recorded in its manifest: content hashes of the base model and
 * datasets (computed by the caller, e.g. sha256 of the files) and any further facts such as the
 * adapter method and its settings.
 *
 * @param baseModelHash hash of the base model the adapter trains on
 * @param datasetHash hash of the training data
 * @param evalDatasetHash hash of the eval data, or null when there is none
 * @param extra further JSON-serialisable facts (method, LoRA config, base model path)
 */
public record RunLineage(
    String baseModelHash, String datasetHash, String evalDatasetHash, Map<String, Object> extra) {
  public RunLineage {
    extra = Map.copyOf(extra);
  }

  /** Lineage with only the two hashes. */
  public static RunLineage of(String baseModelHash, String datasetHash) {
    return new RunLineage(baseModelHash, datasetHash, null, Map.of());
  }

  /** Nothing known (tests, ad-hoc runs). */
  public static RunLineage unknown() {
    return new RunLineage(null, null, null, Map.of());
  }
}
