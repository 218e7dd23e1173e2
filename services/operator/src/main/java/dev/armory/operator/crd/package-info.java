/**
 * The TuningRun resource (armory.dev/v1alpha1): {@link dev.armory.operator.crd.TuningRun}, its
 * {@link dev.armory.operator.crd.TuningRunSpec} and {@link
 * dev.armory.operator.crd.TuningRunStatus}. The build generates the CRD, with its OpenAPI
 * validation, printer columns and CEL rules, from these classes (crd-generator-maven-plugin);
 * k8s/crds and helm/armory/crds hold copies.
 */
package dev.armory.operator.crd;
