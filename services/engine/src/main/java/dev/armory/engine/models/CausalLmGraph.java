package dev.armory.engine.models;

import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Value;
import dev.armory.engine.hf.Gpt2Config;
import dev.armory.engine.hf.LlamaConfig;
import dev.armory.engine.nn.CrossEntropy;

/**
 * Builds the training forward graph of a causal LM (Llama family or GPT-2) from standard ONNX ops:
 * token ids (or embeddings), attention mask and position ids in; logits, and the loss when labels
 * are given, out. Batch and sequence are symbolic dims B and T.
 */
public final class CausalLmGraph {
  /**
   * What to build.
   *
   * @param linears how linear modules compute (null: the checkpoint's dense weights)
   * @param takeEmbeddings take [B, T, C] embeddings instead of token ids
   * @param withLoss add a labels input and the mean cross-entropy loss
   * @param packed add a segment_ids [B, T] input; tokens attend only within their segment
   */
  public record Options(
      LinearLayers linears, boolean takeEmbeddings, boolean withLoss, boolean packed) {
    public static Options logitsOnly() {
      return new Options(null, false, false, false);
    }

    public static Options training() {
      return new Options(null, false, true, false);
    }

    public Options withLinears(LinearLayers l) {
      return new Options(l, takeEmbeddings, withLoss, packed);
    }

    public Options takingEmbeddings() {
      return new Options(linears, true, withLoss, packed);
    }

    /** Rows pack several examples: a segment_ids input makes attention block-diagonal. */
    public Options packing() {
      return new Options(linears, takeEmbeddings, withLoss, true);
    }
  }

  private CausalLmGraph() {}

  /** Builds the forward graph into {@code b}, reading parameters through {@code params}. */
  public static ForwardGraph build(
      GraphBuilder b, ModelArchitecture arch, ModelParameters params, Options options) {
    LinearLayers linears = options.linears() != null ? options.linears() : new DenseLinears(params);
    Value ids = null;
    Value embeds = null;
    if (options.takeEmbeddings()) {
      embeds =
          b.input(
              ForwardGraph.INPUTS_EMBEDS,
              params.dtype(),
              "batch",
              "seq",
              (long) arch.config().hiddenSize());
    } else {
      ids = b.input(ForwardGraph.INPUT_IDS, ElementType.INT64, "batch", "seq");
    }
    Value mask = b.input(ForwardGraph.ATTENTION_MASK, ElementType.INT64, "batch", "seq");
    Value positions = b.input(ForwardGraph.POSITION_IDS, ElementType.INT64, "batch", "seq");
    Value segments =
        options.packed()
            ? b.input(ForwardGraph.SEGMENT_IDS, ElementType.INT64, "batch", "seq")
            : null;
    DecoderInputs in = new DecoderInputs(ids, embeds, mask, positions, segments);
    DecoderForward forward = forward(b, arch, params, linears, Normalization.STANDARD);
    Value logits =
        b.output(forward.logits(in, forward.sequenceAttention(in), null), ForwardGraph.LOGITS);
    Value labels = null;
    Value loss = null;
    if (options.withLoss()) {
      labels = b.input(ForwardGraph.LABELS, ElementType.INT64, "batch", "seq");
      loss =
          b.output(
              CrossEntropy.loss(b, logits, labels, ForwardGraph.IGNORE_INDEX), ForwardGraph.LOSS);
    }
    return new ForwardGraph(
        ids, embeds, mask, positions, labels, logits, loss, params.trainableInputs());
  }

  /**
   * Logits of the decoder over token ids and their positions, with the attention (and optionally
   * linears, normalisations and a selection before the head) that {@code parts} brings: the entry
   * point of inference graphs that attend over a KV cache. Adds no graph inputs or outputs.
   *
   * @param inputIds [B, T] int64 token ids
   * @param positionIds [B, T] int64 positions (read by GPT-2's learned position embedding; Llama's
   *     rotary embedding is the attention's business)
   * @return [B, T, V] logits, or what {@code parts.beforeHead()} leaves of the positions
   */
  public static Value logits(
      GraphBuilder b,
      ModelArchitecture arch,
      ModelParameters params,
      Value inputIds,
      Value positionIds,
      DecoderParts parts) {
    LinearLayers linears = parts.linears() != null ? parts.linears() : new DenseLinears(params);
    Normalization norms = parts.norms() != null ? parts.norms() : Normalization.STANDARD;
    DecoderInputs in = new DecoderInputs(inputIds, null, null, positionIds, null);
    return forward(b, arch, params, linears, norms)
        .logits(in, parts.attention(), parts.beforeHead());
  }

  private static DecoderForward forward(
      GraphBuilder b,
      ModelArchitecture arch,
      ModelParameters params,
      LinearLayers linears,
      Normalization norms) {
    return arch.config() instanceof LlamaConfig llama
        ? new LlamaForward(b, arch, llama, params, linears, norms)
        : new Gpt2Forward(b, arch, (Gpt2Config) arch.config(), params, linears, norms);
  }

  /** The graph inputs every architecture reads. */
  record DecoderInputs(
      Value inputIds,
      Value inputsEmbeds,
      Value attentionMask,
      Value positionIds,
      Value segmentIds) {}
}
