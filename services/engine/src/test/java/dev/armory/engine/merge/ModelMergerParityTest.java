package dev.armory.engine.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.engine.finetune.BaseWeights;
import dev.armory.engine.fixtures.TinyModelGenerator;
import dev.armory.engine.hf.ModelType;
import dev.armory.engine.peft.TargetModules;
import dev.armory.engine.runtime.SessionConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * merge_and_unload is exact: a merged model's logits equal the same adapter applied at run time.
 *
 * <p>What is compared, precisely: (a) float32 base: logits of the merged directory (no adapter,
 * weights W + scale·B·A written in float32) against the training forward over the original W with
 * the adapter branch (LoraLinears.frozen). (b) NF4 base: logits of the directory merged from the
 * NF4 round trip (W' = dequant(nf4(W)) + scale·B·A in float32) against the QLoRA forward: the same
 * NF4 codes run through ONNX Runtime's MatMulBnb4 (which dequantises them itself) plus the adapter
 * branch, i.e. the adapter applied over the dequantised base. The distance to the float32 base with
 * the adapter (quantisation error, not a merge error) is printed, not bounded.
 */
class ModelMergerParityTest {
  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource({
    "LLAMA, FLOAT32",
    "GPT2, FLOAT32",
    "MISTRAL, FLOAT32",
    "QWEN2, FLOAT32",
    "LLAMA, NF4",
    "GPT2, NF4",
    "LLAMA, NF4_NO_DOUBLE_QUANT"
  })
  void mergedLogitsEqualAdapterAppliedLogits(ModelType type, BaseWeights base) throws Exception {
    Path model = dir.resolve("base");
    TinyModelGenerator.generate(type, model, 11);
    Path adapter =
        MergeFixtures.randomAdapter(
            model, dir.resolve("adapter"), new TargetModules.AllLinear(), 4, 3, 0.1);
    MergeResult result =
        ModelMerger.merge(
            MergeRequest.of(model, adapter, dir.resolve("merged")).withBaseWeights(base));
    assertEquals(base, result.baseWeights());
    assertTrue(result.mergedModules() > 0);

    SessionConfig cpu = SessionConfig.defaults();
    List<WeightedAdapter> one = List.of(WeightedAdapter.of(adapter));
    double worst = 0;
    double effect = 0;
    double quantisation = 0;
    try (AdaptedModel applied = AdaptedModel.open(model, one, base, cpu);
        AdaptedModel merged =
            AdaptedModel.open(result.directory(), List.of(), BaseWeights.FLOAT32, cpu);
        AdaptedModel baseOnly = AdaptedModel.open(model, List.of(), base, cpu);
        AdaptedModel fp32Applied = AdaptedModel.open(model, one, BaseWeights.FLOAT32, cpu)) {
      for (long[] prompt : MergeFixtures.prompts(applied.vocabularySize())) {
        float[] a = applied.logits(prompt);
        worst = Math.max(worst, MergeFixtures.maxAbsDiff(a, merged.logits(prompt)));
        effect = Math.max(effect, MergeFixtures.maxAbsDiff(a, baseOnly.logits(prompt)));
        quantisation =
            Math.max(quantisation, MergeFixtures.maxAbsDiff(a, fp32Applied.logits(prompt)));
      }
    }
    System.out.printf(
        "%s %s base: merged vs adapter-applied max abs %.2e (the adapter moves logits by %.2e;"
            + " adapter over %s vs over float32 base %.2e)%n",
        type, base, worst, effect, base, quantisation);
    assertTrue(worst <= 1e-5, "merged logits differ from adapter-applied ones by " + worst);
    assertTrue(effect > 1e-2, "the adapter should change the logits; it moved them by " + effect);
  }
}
