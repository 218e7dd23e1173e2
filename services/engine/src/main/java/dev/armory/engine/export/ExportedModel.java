package dev.armory.engine.export;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtSession;
import dev.armory.engine.generate.kv.KvLayout;
import dev.armory.engine.generate.kv.KvNames;
import dev.armory.engine.runtime.GraphSession;
import dev.armory.engine.runtime.SessionConfig;
import dev.armory.engine.runtime.Tensors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An exported model run the way any consumer runs it: a fresh ONNX Runtime session over {@code
 * model.onnx} (loaded by path, with its external data), one sequence at a time: the prompt first
 * with empty past key/values, then one token per step with the previous step's present key/values
 * fed back as past (zero-copy: they stay in ONNX Runtime's output tensors until the next step). Not
 * thread-safe.
 */
public final class ExportedModel implements AutoCloseable {
  private final GraphSession session;
  private final KvLayout layout;
  private final int vocabulary;
  private OrtSession.Result state; // the last step's outputs: its presents are the next past
  private int length;

  private ExportedModel(GraphSession session, KvLayout layout, int vocabulary) {
    this.session = session;
    this.layout = layout;
    this.vocabulary = vocabulary;
  }

  /** Opens an exported directory (model.onnx and model.onnx.json). */
  public static ExportedModel open(Path directory, SessionConfig config)
      throws java.io.IOException {
    OnnxModelDescriptor.KvCache kv = OnnxModelDescriptor.readKvCache(directory);
    return load(
        directory.resolve(OnnxExporter.MODEL_FILE), kv.layout(), kv.vocabularySize(), config);
  }

  /** Loads {@code onnxFile} by path, for a model of {@code layout} and vocabulary {@code v}. */
  public static ExportedModel load(Path onnxFile, KvLayout layout, int v, SessionConfig config) {
    return new ExportedModel(GraphSession.load(onnxFile, config), layout, v);
  }

  public int vocabularySize() {
    return vocabulary;
  }

  /** Tokens in the cache. */
  public int length() {
    return length;
  }

  /** Starts a sequence: runs {@code tokens} over an empty cache; returns logits [T·V]. */
  public float[] prefill(long[] tokens) {
    reset();
    return run(tokens);
  }

  /** Appends one token; returns its logits [V]. */
  public float[] next(long token) {
    if (state == null) {
      throw new IllegalStateException("call prefill before next");
    }
    return run(new long[] {token});
  }

  private float[] run(long[] tokens) {
    int t = tokens.length;
    int past = length;
    long[] mask = new long[past + t];
    java.util.Arrays.fill(mask, 1);
    long[] positions = new long[t];
    for (int i = 0; i < t; i++) {
      positions[i] = past + i;
    }
    List<OnnxTensor> owned = new ArrayList<>();
    Map<String, OnnxTensorLike> in = new HashMap<>();
    try {
      owned.add(Tensors.longs(tokens, 1, t));
      in.put(KvNames.INPUT_IDS, owned.get(owned.size() - 1));
      owned.add(Tensors.longs(mask, 1, past + t));
      in.put(KvNames.ATTENTION_MASK, owned.get(owned.size() - 1));
      owned.add(Tensors.longs(positions, 1, t));
      in.put(KvNames.POSITION_IDS, owned.get(owned.size() - 1));
      long[] empty = {1, layout.kvHeads(), 0, layout.headSize()};
      for (int l = 0; l < layout.layers(); l++) {
        if (state == null) {
          OnnxTensor k = Tensors.wrap(Tensors.direct(0).asFloatBuffer(), empty);
          OnnxTensor v = Tensors.wrap(Tensors.direct(0).asFloatBuffer(), empty);
          owned.add(k);
          owned.add(v);
          in.put(KvNames.pastKey(l), k);
          in.put(KvNames.pastValue(l), v);
        } else {
          in.put(KvNames.pastKey(l), (OnnxTensor) state.get(KvNames.presentKey(l)).get());
          in.put(KvNames.pastValue(l), (OnnxTensor) state.get(KvNames.presentValue(l)).get());
        }
      }
      OrtSession.Result result = session.run(in);
      if (state != null) {
        state.close();
      }
      state = result;
      length = past + t;
      return Tensors.toFloats(result.get(KvNames.LOGITS).get());
    } finally {
      owned.forEach(OnnxTensor::close);
    }
  }

  private void reset() {
    if (state != null) {
      state.close();
      state = null;
    }
    length = 0;
  }

  @Override
  public void close() {
    reset();
    session.close();
  }
}
