package dev.armory.engine.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.armory.engine.ArmoryVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * {@code manifest.json}: a run's lineage (base model and dataset hashes, all hyperparameters, the
 * trainable tensors, Armory's version), its times and status, and its final metrics. Rewritten
 * atomically when the run starts, resumes, finishes or fails.
 */
final class RunManifest {
  private final Path file;
  private final ObjectNode root;

  private RunManifest(Path file, ObjectNode root) {
    this.file = file;
    this.root = root;
  }

  /** The manifest of a run starting now (or resuming: the original start time is kept). */
  static RunManifest start(
      Path file,
      RunLineage lineage,
      TrainingConfig config,
      Parameters params,
      int totalSteps,
      int resumedFromStep)
      throws IOException {
    ObjectNode r = JsonCodec.JSON.createObjectNode();
    r.put("armory_version", ArmoryVersion.VERSION);
    r.put("status", "running");
    r.put("base_model_hash", lineage.baseModelHash());
    r.put("dataset_hash", lineage.datasetHash());
    r.put("eval_dataset_hash", lineage.evalDatasetHash());
    r.set("lineage", JsonCodec.JSON.valueToTree(lineage.extra()));
    r.set("config", TrainingConfigJson.toTree(config));
    ObjectNode tensors = r.putObject("trainable_parameters");
    for (Parameter p : params.all()) {
      tensors.set(p.name(), JsonCodec.JSON.valueToTree(p.shape()));
    }
    r.put("trainable_parameter_count", params.elementCount());
    r.put("total_steps", totalSteps);
    String startedAt = Instant.now().toString();
    if (resumedFromStep > 0 && Files.exists(file)) {
      JsonNode previous = JsonCodec.JSON.readTree(file.toFile());
      if (previous.hasNonNull("started_at")) {
        startedAt = previous.get("started_at").asText();
      }
      r.put("resumed_at", Instant.now().toString());
      r.put("resumed_from_step", resumedFromStep);
    }
    r.put("started_at", startedAt);
    r.putNull("finished_at");
    RunManifest m = new RunManifest(file, r);
    m.save();
    return m;
  }

  /** Records the outcome: status (completed, early_stopped, stopped, failed) and final metrics. */
  void finish(String status, TrainingResult result, String error) throws IOException {
    root.put("status", status);
    root.put("finished_at", Instant.now().toString());
    ObjectNode f = root.putObject("final_metrics");
    f.put("step", result.steps());
    number(f, "train_loss", result.lastLoss());
    number(f, "eval_loss", result.lastEvalLoss());
    number(f, "eval_ppl", Math.exp(result.lastEvalLoss()));
    number(f, "best_eval_loss", result.bestEvalLoss());
    f.put("best_step", result.bestStep());
    f.put("tokens", result.tokens());
    f.put("train_seconds", result.elapsedSeconds());
    root.put(
        "best_checkpoint",
        result.bestCheckpoint() == null ? null : relative(result.bestCheckpoint()));
    root.put(
        "adapter", result.adapterDirectory() == null ? null : relative(result.adapterDirectory()));
    if (error != null) {
      root.put("error", error);
    }
    save();
  }

  private String relative(Path p) {
    return file.toAbsolutePath().getParent().relativize(p.toAbsolutePath()).toString();
  }

  private static void number(ObjectNode n, String key, double v) {
    if (Double.isFinite(v)) {
      n.put(key, v);
    } else {
      n.putNull(key);
    }
  }

  private void save() throws IOException {
    JsonCodec.writeAtomically(file, root);
  }
}
