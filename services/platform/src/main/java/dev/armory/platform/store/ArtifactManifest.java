package dev.armory.platform.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * manifest.json of a stored artifact: what it is, a hash of every file, and its lineage (parents
 * with their hashes, hyperparameters, metrics).
 *
 * @param manifestVersion format version of this file (1)
 * @param kind artifact kind folder name, e.g. "datasets"
 * @param id artifact id (folder name under the kind)
 * @param createdAt ISO-8601 instant the manifest was written
 * @param producer service or command that wrote the artifact
 * @param sha256 content hash: sha256 of the sorted "sha256 path" lines of all files
 * @param totalBytes sum of the file sizes
 * @param files every file except manifest.json, sorted by path
 * @param parents what this artifact was made from (base model, dataset, source file ...)
 * @param hyperparameters settings that produced it
 * @param metrics numbers measured on it
 * @param labels free-form labels
 * @param details kind-specific facts (record counts, formats, token statistics ...)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ArtifactManifest(
    int manifestVersion,
    String kind,
    String id,
    String createdAt,
    String producer,
    String sha256,
    long totalBytes,
    List<FileEntry> files,
    List<Parent> parents,
    Map<String, Object> hyperparameters,
    Map<String, Double> metrics,
    Map<String, String> labels,
    Map<String, Object> details) {

  public static final String FILE_NAME = "manifest.json";
  public static final int VERSION = 1;

  /** One file of an artifact, path relative to the artifact folder with '/' separators. */
  public record FileEntry(String path, long bytes, String sha256) {}

  /**
   * A lineage link: the role it played ("base_model", "dataset", "source") and what it was.
   *
   * @param role what the parent was used as
   * @param kind store kind folder, or null when outside the store
   * @param id store id, or null
   * @param uri location outside the store, or null
   * @param sha256 content hash of the parent when known
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Parent(String role, String kind, String id, String uri, String sha256) {}
}
