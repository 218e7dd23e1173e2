package dev.armory.engine.export;

import dev.armory.engine.generate.kv.KvLayout;
import dev.armory.engine.generate.kv.KvNames;
import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.Graph;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Value;
import dev.armory.engine.hf.LlamaConfig;
import dev.armory.engine.models.CausalLmGraph;
import dev.armory.engine.models.DecoderParts;
import dev.armory.engine.models.DenseLinears;
import dev.armory.engine.models.LinearLayers;
import dev.armory.engine.models.LlamaRotary;
import dev.armory.engine.models.ModelArchitecture;
import dev.armory.engine.models.ModelParameters;
import dev.armory.engine.quant.Int4Linears;
import java.util.ArrayList;
import java.util.List;

/**
 * The standalone inference graph of an exported model: input_ids [B, T], attention_mask [B, P + T]
 * and position_ids [B, T] plus each layer's past key/value [B, G, P, D] in; logits [B, T, V] and
 * each layer's present key/value [B, G, P + T, D] out (names as in {@link KvNames}, which are
 * Optimum's). The decoder is the models package's own ({@link CausalLmGraph#logits}) with the cache
 * attention of {@link PastKeyValueAttention}; linear layers are float32 or int4 (MatMulNBits).
 */
final class ExportGraph {
  private ExportGraph() {}

  /** The linear layers of {@code precision} over {@code params}. */
  static LinearLayers linears(
      ModelParameters params, ExportPrecision precision, int int4BlockSize, int int4Accuracy) {
    return precision == ExportPrecision.INT4
        ? new Int4Linears(params, int4BlockSize, int4Accuracy)
        : new DenseLinears(params);
  }

  static Graph build(
      String name, ModelArchitecture arch, ModelParameters params, LinearLayers linears) {
    GraphBuilder b = GraphBuilder.create(name);
    Value ids = b.input(KvNames.INPUT_IDS, ElementType.INT64, "batch", "sequence");
    Value mask = b.input(KvNames.ATTENTION_MASK, ElementType.INT64, "batch", "total_sequence");
    Value positions = b.input(KvNames.POSITION_IDS, ElementType.INT64, "batch", "sequence");
    float[][] tables = null;
    int tablePositions = 0;
    if (arch.config() instanceof LlamaConfig llama) {
      tables = LlamaRotary.cosSin(llama);
      tablePositions = llama.maxPositionEmbeddings();
    }
    PastKeyValueAttention attention =
        new PastKeyValueAttention(
            KvLayout.of(arch.config()), ids, mask, positions, tables, tablePositions);
    Value logits =
        CausalLmGraph.logits(
            b, arch, params, ids, positions, new DecoderParts(linears, attention, null, null));
    // Logits first, then the presents in layer order, as Optimum orders them.
    Graph g = b.graph();
    List<Value> presents = new ArrayList<>(g.outputs());
    presents.forEach(g::removeOutput);
    b.output(logits, KvNames.LOGITS);
    presents.forEach(g::addOutput);
    return g;
  }
}
