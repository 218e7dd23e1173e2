/**
 * The reconcile loop: {@link dev.armory.operator.reconcile.TuningRunReconciler} (validate, observe,
 * decide, apply, derive status), {@link dev.armory.operator.reconcile.JobApplier} (create, patch
 * suspend, delete; null means delete) and {@link dev.armory.operator.reconcile.RunReports} (the
 * latest trainer report per run).
 */
package dev.armory.operator.reconcile;
