package dev.armory.engine.export;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtSession;
import dev.armory.engine.fixtures.TinyModelGenerator;
import dev.armory.engine.generate.kv.KvNames;
import dev.armory.engine.hf.ModelType;
import dev.armory.engine.runtime.GraphSession;
import dev.armory.engine.runtime.SessionConfig;
import dev.armory.engine.runtime.Tensors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The consumer contract model.onnx.json states: a batch of left-padded prompts, presents fed back
 * as past, gives each row the logits it gets alone (also across Mistral's sliding window).
 */
class LeftPaddedBatchTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(ModelType.class)
  void leftPaddedRowsMatchTheirSingleRuns(ModelType type) throws Exception {
    Path model = dir.resolve("base");
    TinyModelGenerator.generate(type, model, 4);
    Path out = dir.resolve("export");
    OnnxExporter.export(
        ExportRequest.of(model, List.of(), ExportPrecision.FP32, out)
            .withParity(ParitySettings.defaults().withGreedyTokens(2)));
    var kv = OnnxModelDescriptor.readKvCache(out);
    int v = kv.vocabularySize();
    long[] longRow = {3, 14, 15, 92, 65, 35, 89, 79, 32, 38, 46};
    long[] shortRow = {26, 43, 38, 32};
    int t = longRow.length;
    int pad = t - shortRow.length;
    int steps = 6;

    // Each row alone.
    List<float[]> aloneLong = new ArrayList<>();
    List<float[]> aloneShort = new ArrayList<>();
    long[] nextLong = new long[steps];
    long[] nextShort = new long[steps];
    try (ExportedModel m = ExportedModel.open(out, SessionConfig.defaults())) {
      float[] l = m.prefill(longRow);
      aloneLong.add(Arrays.copyOfRange(l, (t - 1) * v, t * v));
      float[] s = m.prefill(shortRow);
      aloneShort.add(Arrays.copyOfRange(s, (shortRow.length - 1) * v, shortRow.length * v));
      m.prefill(longRow);
      for (int k = 0; k < steps; k++) {
        nextLong[k] = ParityCheck.argmax(aloneLong.get(k), 0, v);
        aloneLong.add(m.next(nextLong[k]));
      }
      m.prefill(shortRow);
      for (int k = 0; k < steps; k++) {
        nextShort[k] = ParityCheck.argmax(aloneShort.get(k), 0, v);
        aloneShort.add(m.next(nextShort[k]));
      }
    }

    // Both rows in one batch, the short one left-padded.
    double worst = 0;
    try (GraphSession s = GraphSession.load(out.resolve("model.onnx"), SessionConfig.defaults())) {
      long[] ids = new long[2 * t];
      long[] mask = new long[2 * t];
      long[] positions = new long[2 * t];
      for (int i = 0; i < t; i++) {
        ids[i] = longRow[i];
        mask[i] = 1;
        positions[i] = i;
        boolean padded = i < pad;
        ids[t + i] = padded ? 0 : shortRow[i - pad];
        mask[t + i] = padded ? 0 : 1;
        positions[t + i] = padded ? 1 : i - pad; // HF puts 1 at padded positions; they are masked
      }
      OrtSession.Result state = run(s, kv.layout(), null, ids, mask, positions, 2, t);
      float[] logits = Tensors.toFloats(state.get(KvNames.LOGITS).get());
      worst = Math.max(worst, diff(logits, (t - 1) * v, aloneLong.get(0), v));
      worst = Math.max(worst, diff(logits, (2 * t - 1) * v, aloneShort.get(0), v));
      long[] fullMask = mask;
      for (int k = 0; k < steps; k++) {
        int total = t + k + 1;
        long[] m2 = new long[2 * total];
        for (int r = 0; r < 2; r++) {
          System.arraycopy(fullMask, r * (total - 1), m2, r * total, total - 1);
          m2[r * total + total - 1] = 1;
        }
        fullMask = m2;
        OrtSession.Result next =
            run(
                s,
                kv.layout(),
                state,
                new long[] {nextLong[k], nextShort[k]},
                m2,
                new long[] {t + k, shortRow.length + k},
                2,
                1);
        state.close();
        state = next;
        float[] l = Tensors.toFloats(state.get(KvNames.LOGITS).get());
        worst = Math.max(worst, diff(l, 0, aloneLong.get(k + 1), v));
        worst = Math.max(worst, diff(l, v, aloneShort.get(k + 1), v));
      }
      state.close();
    }
    System.out.printf("%s: left-padded batch vs rows alone, max abs %.2e%n", type, worst);
    assertTrue(worst <= 1e-5, "batched rows differ from single runs by " + worst);
  }

  private static OrtSession.Result run(
      GraphSession s,
      dev.armory.engine.generate.kv.KvLayout layout,
      OrtSession.Result past,
      long[] ids,
      long[] mask,
      long[] positions,
      int batch,
      int t) {
    List<OnnxTensor> owned = new ArrayList<>();
    Map<String, OnnxTensorLike> in = new HashMap<>();
    try {
      owned.add(Tensors.longs(ids, batch, t));
      in.put(KvNames.INPUT_IDS, owned.get(owned.size() - 1));
      owned.add(Tensors.longs(mask, batch, mask.length / batch));
      in.put(KvNames.ATTENTION_MASK, owned.get(owned.size() - 1));
      owned.add(Tensors.longs(positions, batch, t));
      in.put(KvNames.POSITION_IDS, owned.get(owned.size() - 1));
      long[] empty = {batch, layout.kvHeads(), 0, layout.headSize()};
      for (int l = 0; l < layout.layers(); l++) {
        if (past == null) {
          for (String name : List.of(KvNames.pastKey(l), KvNames.pastValue(l))) {
            owned.add(Tensors.wrap(Tensors.direct(0).asFloatBuffer(), empty));
            in.put(name, owned.get(owned.size() - 1));
          }
        } else {
          in.put(KvNames.pastKey(l), (OnnxTensor) past.get(KvNames.presentKey(l)).get());
          in.put(KvNames.pastValue(l), (OnnxTensor) past.get(KvNames.presentValue(l)).get());
        }
      }
      return s.run(in);
    } finally {
      owned.forEach(OnnxTensor::close);
    }
  }

  private static double diff(float[] batch, int offset, float[] alone, int v) {
    double m = 0;
    for (int i = 0; i < v; i++) {
      m = Math.max(m, Math.abs(batch[offset + i] - alone[i]));
    }
    return m;
  }
}
