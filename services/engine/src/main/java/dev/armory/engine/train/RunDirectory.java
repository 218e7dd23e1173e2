package dev.armory.engine.train;

import java.nio.file.Path;

/**
 * The layout of a run directory:
 *
 * <pre>
 *   adapter/            the trained adapter, written by the caller's {@link AdapterWriter}
 *   checkpoints/        step-000123/ … (see {@link Checkpoint})
 *   metrics.jsonl       one JSON object per logged step and per evaluation
 *   loss.png            the loss curves, redrawn as the run goes
 *   manifest.json       lineage, hyperparameters, times, status and final metrics
 * </pre>
 */
public record RunDirectory(Path root) {
  public Path adapter() {
    return root.resolve("adapter");
  }

  public Path checkpoints() {
    return root.resolve("checkpoints");
  }

  public Path metrics() {
    return root.resolve("metrics.jsonl");
  }

  public Path lossCurve() {
    return root.resolve("loss.png");
  }

  public Path manifest() {
    return root.resolve("manifest.json");
  }
}
