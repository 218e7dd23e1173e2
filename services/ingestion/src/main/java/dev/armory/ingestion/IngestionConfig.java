package dev.armory.ingestion;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * The ingestion service's settings under {@code armory.ingestion} (application.yml; environment
 * variables such as ARMORY_INGESTION_EVAL_FRACTION override them).
 *
 * @param groupId Kafka consumer group, also the scope of the idempotency records
 * @param consumeEvents consume DatasetIngestRequested events (false: HTTP uploads only)
 * @param evalFraction fraction held out for eval when a request leaves it 0
 * @param splitSeed seed of the train/eval split when a request leaves it 0
 * @param maxSeqLen token statistics count records longer than this when a request leaves it 0
 * @param maxBadLineFraction datasets with a larger fraction of bad lines are rejected
 * @param maxReportedErrors bad lines listed in an event (every one is in report.json)
 */
@ConfigurationProperties("armory.ingestion")
public record IngestionConfig(
    @Bindable(defaultValue = "ingestion") String groupId,
    @Bindable(defaultValue = "true") boolean consumeEvents,
    @Bindable(defaultValue = "0.1") double evalFraction,
    @Bindable(defaultValue = "42") long splitSeed,
    @Bindable(defaultValue = "2048") int maxSeqLen,
    @Bindable(defaultValue = "0.5") double maxBadLineFraction,
    @Bindable(defaultValue = "100") int maxReportedErrors) {

  public IngestionConfig {
    if (!(evalFraction >= 0 && evalFraction < 1)) {
      throw new IllegalArgumentException(
          "armory.ingestion.eval-fraction must be in [0, 1), got " + evalFraction);
    }
    if (!(maxBadLineFraction > 0 && maxBadLineFraction <= 1)) {
      throw new IllegalArgumentException(
          "armory.ingestion.max-bad-line-fraction must be in (0, 1], got " + maxBadLineFraction);
    }
  }
}
