package dev.armory.platform.store;

import dev.armory.events.v1.ArtifactRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the writer of an artifact knows about it; the store adds file hashes when committing. */
public final class ManifestDetails {

  String producer = "armory";
  final List<ArtifactManifest.Parent> parents = new ArrayList<>();
  final Map<String, Object> hyperparameters = new LinkedHashMap<>();
  final Map<String, Double> metrics = new LinkedHashMap<>();
  final Map<String, String> labels = new LinkedHashMap<>();
  final Map<String, Object> details = new LinkedHashMap<>();

  /** Empty details, producer "armory". */
  public static ManifestDetails create() {
    return new ManifestDetails();
  }

  public ManifestDetails producer(String producer) {
    this.producer = producer;
    return this;
  }

  /** Adds a parent from an event reference. */
  public ManifestDetails parent(String role, ArtifactRef ref) {
    String kind = ref.getId().isEmpty() ? null : ArtifactStore.folder(ref.getKind());
    parents.add(
        new ArtifactManifest.Parent(
            role,
            kind,
            emptyToNull(ref.getId()),
            emptyToNull(ref.getUri()),
            emptyToNull(ref.getSha256())));
    return this;
  }

  /** Adds a parent outside the store (a source file, a Hugging Face directory). */
  public ManifestDetails parentUri(String role, String uri, String sha256) {
    parents.add(new ArtifactManifest.Parent(role, null, null, uri, sha256));
    return this;
  }

  public ManifestDetails hyperparameter(String name, Object value) {
    hyperparameters.put(name, value);
    return this;
  }

  public ManifestDetails hyperparameters(Map<String, ?> values) {
    hyperparameters.putAll(values);
    return this;
  }

  public ManifestDetails metric(String name, double value) {
    metrics.put(name, value);
    return this;
  }

  public ManifestDetails label(String name, String value) {
    labels.put(name, value);
    return this;
  }

  public ManifestDetails labels(Map<String, String> values) {
    labels.putAll(values);
    return this;
  }

  /** A kind-specific fact (any JSON-serialisable value). */
  public ManifestDetails detail(String name, Object value) {
    details.put(name, value);
    return this;
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
