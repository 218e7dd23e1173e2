/**
 * Reverse-mode differentiation over the graph IR: appends the backward pass of a loss to the same
 * graph, under the name scope {@code grad/}, visiting only nodes between trainable values and the
 * loss, so frozen weights get no backward nodes. Reading order: {@link
 * dev.armory.engine.autodiff.Autodiff} (marks values on a trainable→loss path, walks nodes in
 * reverse calling each op's rule, adds gradients where paths meet, refuses non-differentiable ops
 * by name), then {@code Broadcasts} (sums a gradient back to its input's shape, statically or, for
 * symbolic dims, at run time).
 */
package dev.armory.engine.autodiff;
