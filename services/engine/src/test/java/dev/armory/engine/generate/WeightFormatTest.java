package dev.armory.engine.generate;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.engine.fixtures.TinyModelGenerator;
import dev.armory.engine.generate.adapters.AdapterRegistry;
import dev.armory.engine.generate.kv.KvCacheGraph;
import dev.armory.engine.generate.kv.KvDecoder;
import dev.armory.engine.generate.kv.SlotKvCache;
import dev.armory.engine.hf.HfModelDir;
import dev.armory.engine.hf.ModelType;
import dev.armory.engine.models.ModelArchitecture;
import dev.armory.engine.runtime.SessionConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * NF4 and int4 base weights: the KV-cache graph runs on each and its logits stay near the float32
 * model's (4-bit weights cost a few percent of the logit scale), and the engine decodes on them.
 */
class WeightFormatTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(
      value = ModelType.class,
      names = {"LLAMA", "GPT2"})
  void quantisedBaseWeightsStayNearFloat32(ModelType type) throws Exception {
    TinyModelGenerator.generate(type, dir, 2);
    long[] prompt = {1, 20, 21, 22, 23, 24, 25, 26};
    float[] fp32 = prefill(WeightFormat.FP32, prompt);
    double scale = 0;
    for (float f : fp32) {
      scale = Math.max(scale, Math.abs(f));
    }
    for (WeightFormat format : new WeightFormat[] {WeightFormat.NF4, WeightFormat.INT4}) {
      float[] q = prefill(format, prompt);
      double diff = AdapterServingTest.maxDiff(fp32, q);
      System.out.printf(
          "%s %s: max |logit diff| vs fp32 %.3e (max |logit| %.3e)%n", type, format, diff, scale);
      assertTrue(diff > 0, format + " should not be bit-identical to fp32");
      assertTrue(diff < 0.15 * scale, format + " logits differ by " + diff + " of " + scale);
      EngineConfig config = EngineConfig.defaults().withWeights(format);
      try (DecodeEngine engine = DecodeEngine.open(dir, config)) {
        GenerationResult r = engine.generate(GenerationRequest.greedy(new int[] {1, 20, 21}, 12));
        assertTrue(r.completionTokens() >= 1 && r.completionTokens() <= 12, r.toString());
        assertTrue(
            r.finishReason() == FinishReason.LENGTH || r.finishReason() == FinishReason.STOP);
      }
    }
  }

  private float[] prefill(WeightFormat format, long[] prompt) throws Exception {
    try (HfModelDir model = HfModelDir.open(dir)) {
      ModelArchitecture arch = ModelArchitecture.of(model.config());
      AdapterRegistry none = new AdapterRegistry(arch, 1);
      try (InferenceModel inference =
          new InferenceModel(
              arch.bind(model.weights()),
              format,
              KvCacheGraph.Options.fused(),
              SessionConfig.defaults())) {
        KvDecoder decoder = inference.decoder(none.stacks());
        SlotKvCache cache = new SlotKvCache(decoder.graph().layout());
        cache.reserve(1, 16, 0);
        return decoder.prefill(cache, 0, prompt, 0, Map.of());
      }
    }
  }
}
