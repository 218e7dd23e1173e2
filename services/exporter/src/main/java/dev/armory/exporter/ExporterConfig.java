package dev.armory.exporter;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * The exporter service's settings, under {@code armory.exporter} (environment variables work too:
 * {@code ARMORY_EXPORTER_THREADS}). Kafka and the store come from {@code armory.kafka.*} and {@code
 * armory.store.root}.
 *
 * @param groupId consumer group of ExportRequested and TrainingCompleted (exports), also the
 *     idempotency scope of exports
 * @param publisherGroupId consumer group that turns completed runs with publish options into
 *     AdapterPublished
 * @param threads ONNX Runtime intra-op threads of the parity checks (0: one per core)
 * @param parityTokens tokens decoded greedily per parity prompt
 * @param maxExportDuration the longest an export may take before Kafka considers the exporter gone
 *     (the consumer's max.poll.interval.ms)
 */
@ConfigurationProperties(ExporterConfig.PREFIX)
public record ExporterConfig(
    @Bindable(defaultValue = "exporter") String groupId,
    @Bindable(defaultValue = "publisher") String publisherGroupId,
    @Bindable(defaultValue = "0") int threads,
    @Bindable(defaultValue = "16") int parityTokens,
    @Bindable(defaultValue = "1h") Duration maxExportDuration) {
  public static final String PREFIX = "armory.exporter";

  public ExporterConfig {
    if (threads < 0) {
      throw new IllegalArgumentException(PREFIX + ".threads must be >= 0, got " + threads);
    }
    if (parityTokens < 1) {
      throw new IllegalArgumentException(
          PREFIX + ".parity-tokens must be >= 1, got " + parityTokens);
    }
  }
}
