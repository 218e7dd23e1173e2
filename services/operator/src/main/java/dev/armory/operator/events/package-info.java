/**
 * The Kafka side: {@link dev.armory.operator.events.TrainingRequests} (a TrainingRequested as a
 * TuningRun), {@link dev.armory.operator.events.TrainerEvents} (trainer events as reports) and
 * {@link dev.armory.operator.events.TrainingEventBridge} (the two consumers).
 */
package dev.armory.operator.events;
