/**
 * Small complete graphs (forward pass, loss and optionally the gradients) for demos, the dump
 * command and end-to-end tests; built from {@code graph}, {@code autodiff} and {@code nn}. Reading
 * order: {@link dev.armory.engine.examples.ExampleGraphs} (the names), {@link
 * dev.armory.engine.examples.LinearRegressionGraph}, {@link dev.armory.engine.examples.MlpGraph}.
 */
package dev.armory.engine.examples;
