/**
 * Composite building blocks made of graph ops, used by model graphs and losses; depends on {@code
 * graph} only, and its gradients come from the ops' own rules. Reading order: {@link
 * dev.armory.engine.nn.CrossEntropy} (the token-level training loss with an ignore index, and
 * per-row sequence log-probs) → {@link dev.armory.engine.nn.DpoLoss} (the preference loss over
 * sequence log-probs).
 */
package dev.armory.engine.nn;
