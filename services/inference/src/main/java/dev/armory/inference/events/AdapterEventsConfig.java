package dev.armory.inference.events;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * Hot-loading of published adapters, under {@code armory.inference.events} (environment: {@code
 * ARMORY_INFERENCE_EVENTS_ENABLED} ...). Kafka and the artifact store come from {@code
 * armory.kafka.*} and {@code armory.store.root}.
 *
 * @param enabled consume {@code armory.adapter.published} and hot-load each adapter
 * @param groupId consumer group; unset gives each start its own group, so every replica loads every
 *     published adapter, those published before it started included
 * @param requireSameBase skip adapters whose base model is not the served model directory
 */
@ConfigurationProperties(AdapterEventsConfig.PREFIX)
public record AdapterEventsConfig(
    @Bindable(defaultValue = "false") boolean enabled,
    @Nullable String groupId,
    @Bindable(defaultValue = "true") boolean requireSameBase) {
  public static final String PREFIX = "armory.inference.events";
}
