package dev.armory.engine.models;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.engine.autodiff.Autodiff;
import dev.armory.engine.autodiff.GradCheck;
import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Value;
import dev.armory.engine.hf.HfModelDir;
import dev.armory.engine.hf.ModelType;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Autodiff through the whole forward graph: d(mean cross-entropy)/d(input embeddings) of tiny
 * models against central finite differences, on a padded batch of two rows.
 */
class ForwardGradientTest {
  static final int BATCH = 2;
  static final int SEQ = 6;
  static final int LEFT_PADS = 2; // row 1 is left-padded

  @TempDir Path dir;

  /**
   * float64 graph, every embedding coordinate, h = 1e-6: central differences are then exact to
   * about h² · |f'''| + ε / h ≈ 1e-10, so 1e-6 relative leaves room only for a wrong gradient.
   */
  @ParameterizedTest
  @CsvSource({"LLAMA_ROPE_LLAMA3", "MISTRAL", "QWEN2_SLIDING", "GPT2"})
  void embeddingGradientsMatchFiniteDifferencesInFloat64(TinyVariant variant) throws Exception {
    GradCheck.GraphReport r = check(variant, ElementType.DOUBLE, 1e-6, null);
    System.out.printf(
        "%s float64: %d coordinates, relative error %.3e%n",
        variant, r.coordinates().length, r.error());
    assertTrue(r.error() < 1e-6, variant + ": relative error " + r.error());
  }

  /**
   * float32 graph, 32 coordinates, h = 1e-3. The embeddings have std 0.02 and RMSNorm/LayerNorm
   * divide by that scale, so h must stay well below it (truncation error grows as (h / 0.02)², ≈
   * 0.25% here); the loss (≈ ln 300 ≈ 5.7) carries float32 rounding of about 1e-6, which over 2h is
   * ≈ 5e-4 absolute against gradients of order 0.1. Hence a 2% relative tolerance.
   */
  @ParameterizedTest
  @CsvSource({"LLAMA", "GPT2"})
  void embeddingGradientsMatchFiniteDifferencesInFloat32(TinyVariant variant) throws Exception {
    int[] coordinates = new int[32];
    SplittableRandom r = new SplittableRandom(3);
    int hidden = variant.config().hiddenSize();
    for (int i = 0; i < coordinates.length; i++) {
      // Row 0 (all real tokens) and row 1's real part.
      int row = i % 2;
      int t = row == 0 ? r.nextInt(SEQ) : LEFT_PADS + r.nextInt(SEQ - LEFT_PADS);
      coordinates[i] = (row * SEQ + t) * hidden + r.nextInt(hidden);
    }
    GradCheck.GraphReport report = check(variant, ElementType.FLOAT, 1e-3, coordinates);
    System.out.printf(
        "%s float32: %d coordinates, relative error %.3e%n",
        variant, coordinates.length, report.error());
    assertTrue(report.error() < 1e-2, variant + ": relative error " + report.error());
  }

  private GradCheck.GraphReport check(
      TinyVariant variant, ElementType type, double h, int[] coordinates) throws Exception {
    try (HfModelDir model = HfModelDir.open(variant.write(dir, 9))) {
      ModelArchitecture arch = ModelArchitecture.of(model.config());
      CheckpointBinding checkpoint = arch.bind(model.weights());
      GraphBuilder b = GraphBuilder.create("embedding-gradients");
      ForwardGraph f =
          CausalLmGraph.build(
              b,
              arch,
              new ModelParameters(checkpoint, Set.of(), type),
              CausalLmGraph.Options.training().takingEmbeddings());
      Value grad = Autodiff.gradients(b, f.loss(), List.of(f.inputsEmbeds())).get(f.inputsEmbeds());
      b.output(grad, "grad_inputs_embeds");

      long[] ids = new long[BATCH * SEQ];
      long[] mask = new long[BATCH * SEQ];
      SplittableRandom r = new SplittableRandom(31);
      for (int i = 0; i < ids.length; i++) {
        boolean pad = i >= SEQ && i < SEQ + LEFT_PADS;
        ids[i] = pad ? 0 : 3 + r.nextInt(297);
        mask[i] = pad ? 0 : 1;
      }
      long[] labels = new long[BATCH * SEQ]; // next token, aligned with the logits
      for (int i = 0; i < labels.length; i++) {
        boolean last = i % SEQ == SEQ - 1;
        labels[i] = mask[i] == 0 || last ? ForwardGraph.IGNORE_INDEX : ids[i + 1];
      }
      int hidden = arch.config().hiddenSize();
      String table =
          arch.modelType() == ModelType.GPT2
              ? "transformer.wte.weight"
              : "model.embed_tokens.weight";
      double[] embeddings = new ReferenceWeights(checkpoint).get(table);
      double[] embeds = new double[BATCH * SEQ * hidden];
      for (int i = 0; i < ids.length; i++) {
        System.arraycopy(embeddings, (int) ids[i] * hidden, embeds, i * hidden, hidden);
      }
      long[] shape = {BATCH, SEQ};
      return GradCheck.checkGraph(
          b.graph(),
          type,
          h,
          ForwardGraph.LOSS,
          "grad_inputs_embeds",
          GradCheck.Input.trainable(
              ForwardGraph.INPUTS_EMBEDS, new long[] {BATCH, SEQ, hidden}, embeds),
          List.of(
              new GradCheck.IndexInput(ForwardGraph.ATTENTION_MASK, shape, mask),
              new GradCheck.IndexInput(
                  ForwardGraph.POSITION_IDS, shape, Positions.fromMask(mask, BATCH, SEQ)),
              new GradCheck.IndexInput(ForwardGraph.LABELS, shape, labels)),
          coordinates);
    }
  }
}
