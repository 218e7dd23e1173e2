package dev.armory.engine.generate.kv;

import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.Graph;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Value;
import dev.armory.engine.hf.LlamaConfig;
import dev.armory.engine.models.CausalLmGraph;
import dev.armory.engine.models.DecoderParts;
import dev.armory.engine.models.LinearLayers;
import dev.armory.engine.models.LlamaRotary;
import dev.armory.engine.models.ModelArchitecture;
import dev.armory.engine.models.ModelParameters;
import dev.armory.engine.models.Normalization;
import dev.armory.engine.models.SelfAttention;
import java.util.function.UnaryOperator;

/**
 * The inference graph of a causal LM with a KV cache: the model's own decoder (built by {@link
 * CausalLmGraph#logits}) with attention over cached keys and values. One graph serves the prompt
 * (prefill: T prompt tokens, empty or partial cache) and each decoding step (T = 1). Inputs and
 * outputs are named in {@link KvNames}.
 *
 * <p>Cache layout, both kernels: per layer, keys and values [B, G, P, D], rows right-padded, entry
 * j of a row holding the token at position j. {@link AttentionKernel#STANDARD} takes the cache as
 * past inputs with an attention_mask over past + new and returns present = past ⧺ new; {@link
 * AttentionKernel#GROUP_QUERY} takes per-row lengths (seqlens_k) and writes the new entries into
 * the cache in place.
 */
public final class KvCacheGraph {
  /** Which attention kernel reads the cache. */
  public enum AttentionKernel {
    /** Standard ops: Concat, MatMul, Where, Softmax under a positional mask. */
    STANDARD,
    /** ONNX Runtime's com.microsoft.GroupQueryAttention, in place on shared cache buffers. */
    GROUP_QUERY
  }

  /**
   * How to build.
   *
   * @param attention the attention kernel
   * @param fusedNormalization RMSNorm/LayerNorm and residual adds as ONNX Runtime's fused kernels
   * @param contribRotary rotary embedding outside attention through com.microsoft.RotaryEmbedding
   * @param allPositions logits for every new token [B, T, V] (tests) instead of the last [B, V]
   */
  public record Options(
      AttentionKernel attention,
      boolean fusedNormalization,
      boolean contribRotary,
      boolean allPositions) {
    /** Standard ops throughout. */
    public static Options standard() {
      return new Options(AttentionKernel.STANDARD, false, false, false);
    }

    /** ONNX Runtime's fused kernels wherever they apply. */
    public static Options fused() {
      return new Options(AttentionKernel.GROUP_QUERY, true, true, false);
    }

    public Options withAllPositions() {
      return new Options(attention, fusedNormalization, contribRotary, true);
    }
  }

  private final Graph graph;
  private final Options options;
  private final KvLayout layout;

  private KvCacheGraph(Graph graph, Options options, KvLayout layout) {
    this.graph = graph;
    this.options = options;
    this.layout = layout;
  }

  /**
   * Builds the graph into {@code b}.
   *
   * @param linears how linear modules compute (base weights and adapters); null for dense
   */
  public static KvCacheGraph build(
      GraphBuilder b,
      ModelArchitecture arch,
      ModelParameters params,
      LinearLayers linears,
      Options options) {
    if (params.dtype() != ElementType.FLOAT) {
      throw new IllegalArgumentException(
          "KV-cache graphs compute in float32, not " + params.dtype());
    }
    KvLayout layout = KvLayout.of(arch.config());
    Value ids = b.input(KvNames.INPUT_IDS, ElementType.INT64, "batch", "seq");
    Value positions = b.input(KvNames.POSITION_IDS, ElementType.INT64, "batch", "seq");
    KvRotary rotary = null;
    if (arch.config() instanceof LlamaConfig llama) {
      rotary =
          new KvRotary(
              b,
              LlamaRotary.cosSin(llama),
              llama.maxPositionEmbeddings(),
              llama.headSize(),
              options.contribRotary(),
              positions);
    }
    SelfAttention attention;
    if (options.attention() == AttentionKernel.STANDARD) {
      Value mask = b.input(KvNames.ATTENTION_MASK, ElementType.INT64, "batch", "total");
      attention = new StandardKvAttention(layout, mask, positions, rotary);
    } else {
      Value seqlens = b.input(KvNames.SEQLENS_K, ElementType.INT32, "batch");
      Value total = b.input(KvNames.TOTAL_SEQUENCE_LENGTH, ElementType.INT32);
      attention = new GroupQueryKvAttention(layout, seqlens, total, rotary);
    }
    Normalization norms = options.fusedNormalization() ? FusedNormalization.INSTANCE : null;
    UnaryOperator<Value> lastOnly =
        h -> b.squeeze(b.slice(h, new long[] {-1}, new long[] {Long.MAX_VALUE}, new long[] {1}), 1);
    Value logits =
        CausalLmGraph.logits(
            b,
            arch,
            params,
            ids,
            positions,
            new DecoderParts(linears, attention, norms, options.allPositions() ? null : lastOnly));
    b.output(logits, KvNames.LOGITS);
    return new KvCacheGraph(b.graph(), options, layout);
  }

  public Graph graph() {
    return graph;
  }

  public Options options() {
    return options;
  }

  public KvLayout layout() {
    return layout;
  }
}
