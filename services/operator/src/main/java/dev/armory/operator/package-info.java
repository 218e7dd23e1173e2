/**
 * The Kubernetes operator: TuningRun custom resources become training Jobs on GPU nodes, and the
 * runs' status follows the Jobs, their pods and the trainer's Kafka events.
 *
 * <p>Reading order: {@link dev.armory.operator.crd} (the resource: spec and status, from which the
 * CRD is generated), {@link dev.armory.operator.model} (pure: the Job a run should have, spec
 * validation, the status derived from observations), {@link dev.armory.operator.reconcile} (JOSDK
 * reconciler and the apply layer), {@link dev.armory.operator.events} (Kafka: requests and trainer
 * events), then {@link dev.armory.operator.ArmoryOperator} and {@link
 * dev.armory.operator.OperatorMain} (wiring, settings, health endpoints).
 */
package dev.armory.operator;
