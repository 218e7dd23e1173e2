package dev.armory.engine.merge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.armory.engine.fixtures.TinyModelGenerator;
import dev.armory.engine.generate.DecodeEngine;
import dev.armory.engine.generate.EngineConfig;
import dev.armory.engine.generate.GenerationRequest;
import dev.armory.engine.hf.ModelType;
import dev.armory.engine.peft.TargetModules;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The decode engine serving a merged model says what it says serving the adapter per request. */
class MergedModelServingTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(
      value = ModelType.class,
      names = {"LLAMA", "GPT2"})
  void mergedModelGreedyOutputEqualsAdapterServing(ModelType type) throws Exception {
    Path model = dir.resolve("base");
    TinyModelGenerator.generate(type, model, 13);
    Path adapter =
        MergeFixtures.randomAdapter(
            model, dir.resolve("adapter"), new TargetModules.AllLinear(), 4, 2, 0.1);
    Path merged =
        ModelMerger.merge(MergeRequest.of(model, adapter, dir.resolve("merged"))).directory();
    int[] prompt = {1, 40, 41, 42, 43, 100, 7};
    int[] viaAdapter;
    int[] base;
    try (DecodeEngine engine = DecodeEngine.open(model, EngineConfig.defaults())) {
      engine.adapters().register("a", adapter);
      viaAdapter = engine.generate(GenerationRequest.greedy(prompt, 24).withAdapter("a")).tokens();
      base = engine.generate(GenerationRequest.greedy(prompt, 24)).tokens();
    }
    int[] viaMerged;
    try (DecodeEngine engine = DecodeEngine.open(merged, EngineConfig.defaults())) {
      viaMerged = engine.generate(GenerationRequest.greedy(prompt, 24)).tokens();
    }
    System.out.printf(
        "%s greedy: adapter per request %s, merged %s%n",
        type, Arrays.toString(viaAdapter), Arrays.toString(viaMerged));
    assertArrayEquals(viaAdapter, viaMerged);
    assertFalse(Arrays.equals(base, viaMerged), "the adapter should change the output");
  }
}
