package dev.armory.engine.graph.op;

import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Value;

/**
 * What a VJP rule may use: the builder appending backward nodes, and which inputs need gradients.
 */
public interface VjpContext {
  /** The builder that appends backward nodes to the graph being differentiated. */
  GraphBuilder builder();

  /** True when {@code v} lies on a path from a trainable value to the loss. */
  boolean needsGradient(Value v);
}
