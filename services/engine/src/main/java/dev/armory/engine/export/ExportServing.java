package dev.armory.engine.export;

import com.fasterxml.jackson.databind.JsonNode;
import dev.armory.engine.generate.EngineLimits;
import dev.armory.engine.generate.SequenceDecoder;
import dev.armory.engine.generate.SequentialEngine;
import dev.armory.engine.hf.GenerationConfig;
import dev.armory.engine.hf.HfModelDir;
import dev.armory.engine.hf.ModelConfig;
import dev.armory.engine.runtime.SessionConfig;
import dev.armory.engine.tokenizer.HfTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Serves a directory written by {@code armory export} through a {@link SequentialEngine}: the
 * exported model.onnx decodes one sequence at a time with its own past/present KV cache, and the
 * config, tokenizer and generation files beside it give the context, vocabulary and stop tokens.
 */
public final class ExportServing {
  private ExportServing() {}

  /** Whether {@code dir} holds an Armory ONNX export (model.onnx.json). */
  public static boolean isExport(Path dir) {
    return Files.isRegularFile(dir.resolve(OnnxModelDescriptor.FILE));
  }

  /** Opens the export in {@code dir} and starts an engine over it. */
  public static SequentialEngine open(Path dir, EngineLimits limits, SessionConfig session)
      throws IOException {
    JsonNode descriptor =
        OnnxModelDescriptor.JSON.readTree(dir.resolve(OnnxModelDescriptor.FILE).toFile());
    ModelConfig config = ModelConfig.read(dir);
    HfTokenizer tokenizer =
        Files.isRegularFile(dir.resolve(HfModelDir.TOKENIZER_JSON)) ? HfTokenizer.load(dir) : null;
    ExportedModel model;
    try {
      model = ExportedModel.open(dir, session);
    } catch (IOException | RuntimeException e) {
      if (tokenizer != null) {
        tokenizer.close();
      }
      throw e;
    }
    Set<Integer> stop = new LinkedHashSet<>(config.eosTokenIds());
    GenerationConfig.read(dir).map(GenerationConfig::eosTokenIds).ifPresent(stop::addAll);
    if (tokenizer != null) {
      tokenizer.eosId().ifPresent(stop::add);
    }
    String weights = descriptor.path("precision").path("weights").asText("fp32");
    return new SequentialEngine(
        new LastPositionLogits(model), config, tokenizer, stop, limits, weights, dir.toString());
  }

  /** The exported model's logits at the last new position, as a sequence decoder returns them. */
  private static final class LastPositionLogits implements SequenceDecoder {
    private final ExportedModel model;

    LastPositionLogits(ExportedModel model) {
      this.model = model;
    }

    @Override
    public float[] prefill(long[] tokens) {
      float[] all = model.prefill(tokens); // [T·V]
      int v = model.vocabularySize();
      return Arrays.copyOfRange(all, all.length - v, all.length);
    }

    @Override
    public float[] next(long token) {
      return model.next(token);
    }

    @Override
    public int vocabularySize() {
      return model.vocabularySize();
    }

    @Override
    public void close() {
      model.close();
    }
  }
}
