package dev.armory.engine.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.engine.graph.Graph;
import dev.armory.engine.graph.Value;
import dev.armory.engine.runtime.GraphEval;
import dev.armory.engine.runtime.GraphEval.Feed;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExampleGraphsTest {
  @Test
  void mlpWithGradientsRunsAndDifferentiatesOnlyTheTrainableLayer() {
    Graph g = ExampleGraphs.build(ExampleGraphs.MLP, true);
    assertEquals(
        List.of("logits", "loss", "grad_layer2.weight", "grad_layer2.bias"),
        g.outputs().stream().map(Value::name).toList());
    assertTrue(
        g.nodes().stream().noneMatch(n -> n.name().startsWith("grad/layer1/")),
        "no backward node for the frozen layer");
    int rows = 2 * 3;
    GraphEval.Result r =
        GraphEval.run(
            g,
            Feed.of("x", new long[] {2, 3, MlpGraph.IN}, new double[rows * MlpGraph.IN]).asFloat(),
            Feed.longs("labels", new long[] {2, 3}, 0, 1, 2, 3, -100, 5),
            Feed.of(
                    "layer2.weight",
                    new long[] {MlpGraph.HIDDEN, MlpGraph.VOCAB},
                    new double[MlpGraph.HIDDEN * MlpGraph.VOCAB])
                .asFloat(),
            Feed.of("layer2.bias", new long[] {MlpGraph.VOCAB}, new double[MlpGraph.VOCAB])
                .asFloat());
    // All-zero second layer: uniform predictions, loss log(V).
    assertEquals(Math.log(MlpGraph.VOCAB), r.scalar("loss"), 1e-6);
  }

  @Test
  void linearRegressionWithoutGradientsHasOnlyTheLoss() {
    Graph g = ExampleGraphs.build(ExampleGraphs.LINEAR_REGRESSION, false);
    assertEquals(List.of("loss"), g.outputs().stream().map(Value::name).toList());
  }

  @Test
  void unknownExampleListsTheChoices() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ExampleGraphs.build("gpt5", false));
    assertTrue(e.getMessage().contains("mlp, linear-regression"), e.getMessage());
  }
}
