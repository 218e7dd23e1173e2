package dev.armory.engine.finetune;

import ai.onnxruntime.OnnxTensor;
import dev.armory.engine.data.TokenBatch;
import dev.armory.engine.models.ForwardGraph;
import dev.armory.engine.runtime.Tensors;
import java.util.HashMap;
import java.util.Map;

/** A token batch as ONNX Runtime feeds of the training graphs, and their release after a run. */
final class BatchFeeds {
  private BatchFeeds() {}

  /** Input ids, attention mask, position ids, labels and segment ids, each [batch, seq]. */
  static Map<String, OnnxTensor> of(TokenBatch t) {
    Map<String, OnnxTensor> feeds = new HashMap<>();
    long[] shape = t.shape();
    feeds.put(ForwardGraph.INPUT_IDS, Tensors.longs(t.inputIds(), shape));
    feeds.put(ForwardGraph.ATTENTION_MASK, Tensors.longs(t.attentionMask(), shape));
    feeds.put(ForwardGraph.POSITION_IDS, Tensors.longs(t.positionIds(), shape));
    feeds.put(ForwardGraph.LABELS, Tensors.longs(t.labels(), shape));
    feeds.put(ForwardGraph.SEGMENT_IDS, Tensors.longs(t.segmentIds(), shape));
    return feeds;
  }

  /** Closes the per-batch tensors in {@code feeds}; the long-lived {@code kept} ones stay open. */
  static void closeExcept(Map<String, OnnxTensor> feeds, Map<String, OnnxTensor> kept) {
    feeds.forEach(
        (name, t) -> {
          if (!kept.containsKey(name)) {
            t.close();
          }
        });
  }
}
