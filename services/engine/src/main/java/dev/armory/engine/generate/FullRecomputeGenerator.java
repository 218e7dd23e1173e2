package dev.armory.engine.generate;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.hf.HfModelDir;
import dev.armory.engine.hf.ModelConfig;
import dev.armory.engine.models.CausalLmGraph;
import dev.armory.engine.models.CheckpointBinding;
import dev.armory.engine.models.ForwardGraph;
import dev.armory.engine.models.LinearLayers;
import dev.armory.engine.models.ModelArchitecture;
import dev.armory.engine.models.ModelCheckpointException;
import dev.armory.engine.models.ModelParameters;
import dev.armory.engine.runtime.GraphSession;
import dev.armory.engine.runtime.SessionConfig;
import dev.armory.engine.runtime.Tensors;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * Generates tokens by running the logits-only forward graph over the whole prefix at every step: no
 * KV cache, so step n costs a forward over n tokens. Slow but simple, and exactly the training
 * graph's numbers; the graph is built once (batch and sequence are symbolic) and runs in one
 * session.
 */
public final class FullRecomputeGenerator implements AutoCloseable {
  /** Why generation stopped. */
  public enum StopReason {
    /** A stop token (end of sequence) was generated; it is the last new token. */
    STOP_TOKEN,
    /** The requested number of new tokens was generated. */
    MAX_NEW_TOKENS,
    /** The sequence reached the model's max_position_embeddings. */
    CONTEXT_FULL
  }

  /**
   * What a call to {@link #generate} produced.
   *
   * @param newTokens generated ids, including a final stop token when one ended generation
   * @param nanos wall time of the whole generation
   */
  public record Generation(
      long[] promptTokens, long[] newTokens, StopReason stopReason, long nanos) {
    /** New tokens per second of wall time. */
    public double tokensPerSecond() {
      return nanos == 0 ? 0 : newTokens.length / (nanos / 1e9);
    }
  }

  private final ModelConfig config;
  private final GraphSession session;

  /** Builds the forward graph of {@code checkpoint} (which must stay open) and its session. */
  public FullRecomputeGenerator(CheckpointBinding checkpoint, SessionConfig sessionConfig) {
    this(checkpoint, null, sessionConfig);
  }

  /**
   * As {@link #FullRecomputeGenerator(CheckpointBinding, SessionConfig)}, with the linear layers
   * {@code linears} makes from the model's parameters (e.g. an adapter applied over the base), or
   * the dense base when it is null.
   */
  public FullRecomputeGenerator(
      CheckpointBinding checkpoint,
      Function<ModelParameters, LinearLayers> linears,
      SessionConfig sessionConfig) {
    ModelArchitecture arch = checkpoint.architecture();
    this.config = arch.config();
    GraphBuilder b = GraphBuilder.create("generate-" + config.modelType());
    ModelParameters params = ModelParameters.frozen(checkpoint);
    CausalLmGraph.Options options = CausalLmGraph.Options.logitsOnly();
    if (linears != null) {
      options = options.withLinears(linears.apply(params));
    }
    CausalLmGraph.build(b, arch, params, options);
    this.session = GraphSession.create(b.graph(), sessionConfig);
  }

  /** A generator over {@code model}'s weights; close it before closing the model directory. */
  public static FullRecomputeGenerator open(HfModelDir model, SessionConfig sessionConfig)
      throws ModelCheckpointException {
    ModelArchitecture arch = ModelArchitecture.of(model.config());
    return new FullRecomputeGenerator(arch.bind(model.weights()), sessionConfig);
  }

  /** The model's config. */
  public ModelConfig config() {
    return config;
  }

  /** Logits [V] of the last position after one forward over {@code tokens} (no padding). */
  public float[] lastLogits(long[] tokens) {
    int n = tokens.length;
    if (n == 0) {
      throw new IllegalArgumentException("need at least one token to run the model on");
    }
    long[] mask = new long[n];
    Arrays.fill(mask, 1);
    long[] positions = new long[n];
    Arrays.setAll(positions, i -> i);
    try (OnnxTensor ids = Tensors.longs(tokens, 1, n);
        OnnxTensor m = Tensors.longs(mask, 1, n);
        OnnxTensor p = Tensors.longs(positions, 1, n);
        OrtSession.Result r =
            session.run(
                Map.of(
                    ForwardGraph.INPUT_IDS, ids,
                    ForwardGraph.ATTENTION_MASK, m,
                    ForwardGraph.POSITION_IDS, p),
                Set.of(ForwardGraph.LOGITS))) {
      FloatBuffer logits = ((OnnxTensor) r.get(ForwardGraph.LOGITS).get()).getFloatBuffer();
      int v = config.vocabularySize();
      float[] last = new float[v];
      logits.position((n - 1) * v).get(last);
      return last;
    }
  }

  /**
   * Extends {@code prompt} one token at a time until a stop token, {@code maxNewTokens} new tokens
   * or the model's context length.
   *
   * @param stopTokenIds ids that end generation (usually the EOS ids); may be empty
   * @param onToken called with each new token as it is chosen (e.g. to stream text)
   */
  public Generation generate(
      long[] prompt,
      int maxNewTokens,
      Set<Long> stopTokenIds,
      TokenChooser chooser,
      LongConsumer onToken) {
    if (maxNewTokens < 0) {
      throw new IllegalArgumentException("maxNewTokens must be >= 0, was " + maxNewTokens);
    }
    int context = config.maxPositionEmbeddings();
    if (prompt.length > context) {
      throw new IllegalArgumentException(
          "the prompt has "
              + prompt.length
              + " tokens but the model's max_position_embeddings is "
              + context
              + "; shorten the prompt");
    }
    long start = System.nanoTime();
    long[] seq = Arrays.copyOf(prompt, Math.min(context, prompt.length + maxNewTokens));
    int n = prompt.length;
    StopReason reason = StopReason.MAX_NEW_TOKENS;
    while (n < prompt.length + maxNewTokens) {
      if (n == context) {
        reason = StopReason.CONTEXT_FULL;
        break;
      }
      long next = chooser.choose(lastLogits(Arrays.copyOf(seq, n)));
      seq[n++] = next;
      onToken.accept(next);
      if (stopTokenIds.contains(next)) {
        reason = StopReason.STOP_TOKEN;
        break;
      }
    }
    return new Generation(
        prompt.clone(),
        Arrays.copyOfRange(seq, prompt.length, n),
        reason,
        System.nanoTime() - start);
  }

  @Override
  public void close() {
    session.close();
  }
}
