package dev.armory.engine.models;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.runtime.GraphSession;
import dev.armory.engine.runtime.SessionConfig;
import dev.armory.engine.runtime.Tensors;
import java.util.HashMap;
import java.util.Map;

/** The float32 logits-only forward graph of a checkpoint in one session, for comparisons. */
final class ForwardRunner implements AutoCloseable {
  private final GraphSession session;
  private final int vocabulary;

  ForwardRunner(CheckpointBinding checkpoint) {
    ModelArchitecture arch = checkpoint.architecture();
    GraphBuilder b = GraphBuilder.create("forward-" + arch.modelType());
    CausalLmGraph.build(
        b, arch, ModelParameters.frozen(checkpoint), CausalLmGraph.Options.logitsOnly());
    session = GraphSession.create(b.graph(), SessionConfig.defaults());
    vocabulary = arch.config().vocabularySize();
  }

  /** Logits [B][T][V] for [B*T] ids, mask and positions. */
  double[][][] logits(long[] ids, long[] mask, long[] positions, int batch, int seq) {
    Map<String, OnnxTensor> in = new HashMap<>();
    in.put(ForwardGraph.INPUT_IDS, Tensors.longs(ids, batch, seq));
    in.put(ForwardGraph.ATTENTION_MASK, Tensors.longs(mask, batch, seq));
    in.put(ForwardGraph.POSITION_IDS, Tensors.longs(positions, batch, seq));
    try (OrtSession.Result r = session.run(in)) {
      float[] flat = Tensors.toFloats(r.get(ForwardGraph.LOGITS).get());
      double[][][] out = new double[batch][seq][vocabulary];
      for (int b = 0; b < batch; b++) {
        for (int t = 0; t < seq; t++) {
          for (int v = 0; v < vocabulary; v++) {
            out[b][t][v] = flat[(b * seq + t) * vocabulary + v];
          }
        }
      }
      return out;
    } finally {
      in.values().forEach(OnnxTensor::close);
    }
  }

  @Override
  public void close() {
    session.close();
  }
}
