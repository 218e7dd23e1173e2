package dev.armory.engine.peft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.hf.HfModelDir;
import dev.armory.engine.hf.ModelType;
import dev.armory.engine.models.CausalLmGraph;
import dev.armory.engine.models.ModelArchitecture;
import dev.armory.engine.models.ModelParameters;
import dev.armory.engine.quant.Nf4Linears;
import dev.armory.engine.quant.Nf4Quantizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** LoRA over an NF4-quantised base (QLoRA): gradients, and step 0 equal to the quantised base. */
class QLoraTest {
  @TempDir Path dir;

  static GraphBuilder qlora(
      HfModelDir model,
      ModelArchitecture arch,
      LoraAdapter adapter,
      boolean withLoss,
      ElementType dtype)
      throws Exception {
    GraphBuilder b = GraphBuilder.create("qlora");
    ModelParameters params = new ModelParameters(arch.bind(model.weights()), Set.of(), dtype);
    Nf4Linears base = new Nf4Linears(params, Nf4Quantizer.qlora(true));
    LoraLinears lora = adapter == null ? null : LoraLinears.trainable(base, adapter, null);
    CausalLmGraph.Options o =
        withLoss ? CausalLmGraph.Options.training() : CausalLmGraph.Options.logitsOnly();
    CausalLmGraph.build(b, arch, params, o.withLinears(lora != null ? lora : base));
    return b;
  }

  HfModelDir tiny(ModelType type) throws Exception {
    LoraTest t = new LoraTest();
    t.dir = dir;
    return t.tiny(type);
  }

  @ParameterizedTest
  @EnumSource(
      value = ModelType.class,
      names = {"LLAMA", "GPT2"})
  void freshAdapterReproducesTheQuantisedBaseExactly(ModelType type) throws Exception {
    try (HfModelDir model = tiny(type)) {
      ModelArchitecture arch = ModelArchitecture.of(model.config());
      LoraAdapter adapter = LoraAdapter.initialise(arch, LoraConfig.defaults().withRank(4), 1);
      float[] base =
          LoraTest.run(qlora(model, arch, null, false, ElementType.FLOAT), null, List.of("logits"))
              .get("logits");
      float[] lora =
          LoraTest.run(
                  qlora(model, arch, adapter, false, ElementType.FLOAT), adapter, List.of("logits"))
              .get("logits");
      assertArrayEquals(base, lora, 0f);
      float[] fp32 = LoraTest.baseLogits(model, arch);
      double diff = LoraTest.maxAbsDiff(fp32, base);
      System.out.printf("%s NF4 base vs fp32 base: max abs logit difference %.3e%n", type, diff);
      assertTrue(diff > 0 && diff < 0.5, "NF4 is close to but not equal to fp32: " + diff);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = ModelType.class,
      names = {"LLAMA", "GPT2"})
  void loraGradientsOverNf4BaseMatchFiniteDifferences(ModelType type) throws Exception {
    try (HfModelDir model = tiny(type)) {
      ModelArchitecture arch = ModelArchitecture.of(model.config());
      LoraConfig config =
          LoraConfig.defaults().withRank(2).withAlpha(4).withTargets(new TargetModules.AllLinear());
      LoraAdapter adapter = LoraAdapter.initialise(arch, config, 1);
      LoraGradientCheck.randomiseB(adapter, 9);
      GraphBuilder b = qlora(model, arch, adapter, true, ElementType.DOUBLE);
      double rel = LoraGradientCheck.relativeError(b, adapter, layer -> layer == 0);
      System.out.printf(
          "%s QLoRA (NF4 base) gradients vs central differences (float64): relative error %.2e%n",
          type, rel);
      assertTrue(rel < 1e-6, "relative error " + rel);
    }
  }
}
