package dev.armory.operator.model;

import dev.armory.operator.crd.TuningRun;
import dev.armory.operator.crd.TuningRunSpec;
import dev.armory.operator.crd.TuningRunSpec.ArtifactRef;
import dev.armory.operator.crd.TuningRunSpec.ResourcesSpec;
import dev.armory.operator.crd.TuningRunSpec.SchedulingSpec;

/** Small TuningRuns for model tests. */
final class Runs {

  private Runs() {}

  /** A minimal valid run: base model, dataset, everything else defaulted. */
  static TuningRun minimal(String name) {
    return run(name, null, null);
  }

  static TuningRun run(String name, ResourcesSpec resources, SchedulingSpec scheduling) {
    TuningRun run =
        TuningRun.of(
            "armory",
            name,
            new TuningRunSpec(
                ArtifactRef.id("tiny-llama"),
                ArtifactRef.id("support-v3"),
                null,
                null,
                null,
                null,
                null,
                resources,
                scheduling,
                null,
                null,
                null,
                null,
                null,
                null,
                null));
    run.getMetadata().setUid("uid-" + name);
    run.getMetadata().setGeneration(1L);
    return run;
  }
}
