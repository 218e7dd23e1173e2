package dev.armory.operator.model;

import dev.armory.operator.crd.TuningRun;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/** Names, labels and artifact paths of a run, in one place. */
public final class RunNames {

  public static final String LABEL_NAME = "app.kubernetes.io/name";
  public static final String LABEL_PART_OF = "app.kubernetes.io/part-of";
  public static final String LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String LABEL_TUNINGRUN = "armory.dev/tuningrun";
  public static final String LABEL_RUN_ID = "armory.dev/run-id";
  public static final String ANNOTATION_RUN_ID = "armory.dev/run-id";
  public static final String ANNOTATION_TUNINGRUN = "armory.dev/tuningrun";
  public static final String ANNOTATION_SPEC_HASH = "armory.dev/training-spec-hash";
  public static final String MANAGED_BY = "armory-operator";
  public static final String TRAINER = "armory-trainer";

  private static final int MAX_LABEL = 63;

  private RunNames() {}

  /** The run id: spec.runId when set, else metadata.name. */
  public static String runId(TuningRun run) {
    String id = run.getSpec() == null ? null : run.getSpec().runId();
    return id == null || id.isBlank() ? run.getMetadata().getName() : id;
  }

  /** Job name: the run name plus "-train", shortened with a hash to fit a label value. */
  public static String jobName(TuningRun run) {
    return fit(run.getMetadata().getName(), "-train");
  }

  /** Label value naming the TuningRun (names longer than 63 characters are hashed). */
  public static String tuningRunLabel(String runName) {
    return fit(runName, "");
  }

  /**
   * A valid Kubernetes object name (DNS-1123 subdomain, at most 63 characters so it also fits a
   * label) derived from a run id that may contain any characters.
   */
  public static String resourceName(String runId) {
    String lower = runId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]+", "-");
    String trimmed = lower.replaceAll("^[^a-z0-9]+", "").replaceAll("[^a-z0-9]+$", "");
    if (trimmed.isEmpty()) {
      trimmed = "run";
    }
    return trimmed.equals(runId) ? fit(trimmed, "") : fit(trimmed + "-" + hash(runId, 8), "");
  }

  /** Label value for a run id: sanitised and hashed when needed; the exact id is an annotation. */
  public static String runIdLabel(String runId) {
    String clean = runId.replaceAll("[^A-Za-z0-9._-]+", "-");
    clean = clean.replaceAll("^[^A-Za-z0-9]+", "").replaceAll("[^A-Za-z0-9]+$", "");
    if (clean.isEmpty()) {
      return hash(runId, 16);
    }
    return clean.equals(runId) ? fit(clean, "") : fit(clean + "-" + hash(runId, 8), "");
  }

  /**
   * Run directory in the artifact store (the store keeps one folder per kind: runs, adapters, ...).
   */
  public static String runDir(String runId) {
    return "runs/" + runId;
  }

  /** Adapter directory (Hugging Face PEFT format) in the artifact store. */
  public static String adapterDir(String runId) {
    return "adapters/" + runId;
  }

  /** Checkpoint directory in the artifact store. */
  public static String checkpointsDir(String runId) {
    return "checkpoints/" + runId;
  }

  /** Export directory in the artifact store. */
  public static String exportDir(String runId) {
    return "exports/" + runId;
  }

  /** base + suffix, with base cut and a hash appended when the result would exceed 63 chars. */
  static String fit(String base, String suffix) {
    if (base.length() + suffix.length() <= MAX_LABEL) {
      return base + suffix;
    }
    String h = hash(base, 8);
    int keep = MAX_LABEL - suffix.length() - h.length() - 1;
    String cut = base.substring(0, keep).replaceAll("[^A-Za-z0-9]+$", "");
    return cut + "-" + h + suffix;
  }

  static String hash(String s, int hexChars) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, hexChars);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
