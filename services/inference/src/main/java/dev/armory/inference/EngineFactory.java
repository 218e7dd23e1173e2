package dev.armory.inference;

import dev.armory.engine.export.ExportServing;
import dev.armory.engine.generate.DecodeEngine;
import dev.armory.engine.generate.EngineConfig;
import dev.armory.engine.generate.ServingEngine;
import dev.armory.engine.generate.adapters.AdapterInfo;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the configured model once: a Hugging Face directory through the {@link DecodeEngine} (and
 * registers the adapters directory's adapters), or an Armory ONNX export (model.onnx.json) through
 * {@link ExportServing}, which takes no adapters.
 */
@Factory
final class EngineFactory {
  private static final Logger LOG = LoggerFactory.getLogger(EngineFactory.class);

  @Singleton
  @Bean(preDestroy = "close")
  ServingEngine servingEngine(InferenceConfig config) throws IOException {
    Path dir = config.requireModelDir();
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException(
          InferenceConfig.PREFIX
              + ".model-dir "
              + dir
              + " is not a directory: point it at a Hugging Face model directory");
    }
    EngineConfig engineConfig = config.engineConfig();
    if (ExportServing.isExport(dir)) {
      return openExport(dir, config, engineConfig);
    }
    DecodeEngine engine = DecodeEngine.open(dir, engineConfig);
    try {
      if (engine.tokenizer() == null) {
        throw new IllegalStateException(
            dir
                + " has no tokenizer.json: the inference service takes text and chat prompts, so"
                + " the model directory needs its tokenizer");
      }
      if (config.adaptersDir() != null && !config.adaptersDir().isBlank()) {
        Path adapters = Path.of(config.adaptersDir());
        if (!Files.isDirectory(adapters)) {
          throw new IllegalStateException(
              InferenceConfig.PREFIX
                  + ".adapters-dir "
                  + adapters
                  + " is not a directory: create it or unset it");
        }
        List<AdapterInfo> registered = engine.adapters().registerAll(adapters);
        LOG.info("registered {} adapters from {}", registered.size(), adapters);
      }
      return engine;
    } catch (IOException | RuntimeException e) {
      engine.close();
      throw e;
    }
  }

  private static ServingEngine openExport(Path dir, InferenceConfig config, EngineConfig engine)
      throws IOException {
    if (config.adaptersDir() != null && !config.adaptersDir().isBlank()) {
      throw new IllegalStateException(
          dir
              + " is an ONNX export, which is served without adapters: merge them before exporting"
              + " and unset "
              + InferenceConfig.PREFIX
              + ".adapters-dir");
    }
    ServingEngine served = ExportServing.open(dir, engine.limits(), engine.session());
    if (served.tokenizer() == null) {
      served.close();
      throw new IllegalStateException(
          dir + " has no tokenizer.json: the inference service takes text and chat prompts");
    }
    LOG.info("serving the ONNX export in {} ({} weights)", dir, served.weightsLabel());
    return served;
  }
}
