package dev.armory.exporter;

import dev.armory.engine.runtime.SessionConfig;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.env.Environment;
import jakarta.inject.Singleton;

/** The exporter's objects: platform and the export service. */
@Factory
final class ExporterBeans {

  @Singleton
  @Bean(preDestroy = "close")
  ExporterPlatform exporterPlatform(Environment environment) {
    return ExporterPlatform.from(environment);
  }

  @Singleton
  ExportService exportService(ExporterPlatform platform, ExporterConfig config) {
    return new ExportService(
        platform.store(),
        SessionConfig.defaults().withThreads(config.threads()),
        config.parityTokens());
  }
}
