package dev.armory.engine.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.engine.fixtures.TinyModelGenerator;
import dev.armory.engine.graph.Node;
import dev.armory.engine.hf.HfModelDir;
import dev.armory.engine.hf.ModelType;
import dev.armory.engine.models.ModelArchitecture;
import dev.armory.engine.models.ModelParameters;
import dev.armory.engine.peft.LoraAdapter;
import dev.armory.engine.peft.LoraConfig;
import dev.armory.engine.peft.TargetModules;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The shape of the compiled training step: what it must and must not contain. */
class LoraTrainingGraphTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(ModelType.class)
  void everyShapeIsKnownSoNoBroadcastIsResolvedAtRunTime(ModelType type) throws Exception {
    TinyModelGenerator.generate(type, dir, 1);
    try (HfModelDir model = HfModelDir.open(dir)) {
      ModelArchitecture arch = ModelArchitecture.of(model.config());
      LoraAdapter adapter =
          LoraAdapter.initialise(
              arch, LoraConfig.defaults().withTargets(new TargetModules.AllLinear()), 1);
      LoraTrainingGraph g =
          LoraTrainingGraph.build(
              arch, ModelParameters.frozen(arch.bind(model.weights())), adapter, BaseWeights.NF4);
      long runtimeBroadcasts =
          g.trainingGraph().graph().nodes().stream()
              .map(Node::opType)
              .filter("NonZero"::equals)
              .count();
      assertEquals(
          0, runtimeBroadcasts, "symbolic shapes leave no broadcast for run time to resolve");
      assertEquals(adapter.modules().size() * 2, g.gradientOutputs().size());
      // Frozen NF4 weights: the backward pass dequantises (Gather on the code table) but never
      // computes a weight gradient, so no node outputs a [out, in] float tensor named like a
      // weight.
      assertTrue(
          g.trainingGraph().graph().nodes().stream()
              .noneMatch(n -> n.name().startsWith("grad/") && n.name().contains("weight.nf4")),
          "no gradient flows into the NF4 codes");
    }
  }
}
