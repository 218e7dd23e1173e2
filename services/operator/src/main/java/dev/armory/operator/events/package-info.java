/**
 * The Kafka side: {@link dev.armory.operator.events.TrainerEvents} (trainer events as reports) and
 * {@link dev.armory.operator.events.TrainingEventBridge} (the two consumers; requests map to
 * TuningRuns through {@link dev.armory.operator.model.TrainingRequests}).
 */
package dev.armory.operator.events;
