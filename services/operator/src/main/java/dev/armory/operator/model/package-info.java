/**
 * What the operator decides, without calling any API: {@link dev.armory.operator.model.RunNames}
 * (names, labels, artifact paths), {@link dev.armory.operator.model.SpecValidator}, {@link
 * dev.armory.operator.model.TrainingRequests} (TrainingRequested to TuningRun and back), {@link
 * dev.armory.operator.model.TrainingJobModel} (the Job for a run), then the status side: {@link
 * dev.armory.operator.model.TrainingReport} (what the trainer said), {@link
 * dev.armory.operator.model.RunObservation} and {@link dev.armory.operator.model.StatusModel}
 * (phase, stable {@link dev.armory.operator.model.Reason}, conditions).
 */
package dev.armory.operator.model;
