package dev.armory.engine.examples;

import dev.armory.engine.graph.Graph;
import java.util.List;

/** The example graphs by name, as {@code armory dev dump-graph --example NAME} offers them. */
public final class ExampleGraphs {
  public static final String MLP = "mlp";
  public static final String LINEAR_REGRESSION = "linear-regression";

  /** Every example name. */
  public static final List<String> NAMES = List.of(MLP, LINEAR_REGRESSION);

  private ExampleGraphs() {}

  /** The example called {@code name}, with its backward pass appended when asked. */
  public static Graph build(String name, boolean withGradients) {
    return switch (name) {
      case MLP -> MlpGraph.build(withGradients);
      case LINEAR_REGRESSION ->
          LinearRegressionGraph.build(
              256, 4, LinearRegressionGraph.sampleDesign(42, 256, 4), withGradients);
      default ->
          throw new IllegalArgumentException(
              "unknown example graph '" + name + "': expected one of " + String.join(", ", NAMES));
    };
  }
}
