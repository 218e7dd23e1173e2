/**
 * Kafka events in reading order: {@link dev.armory.platform.events.Topics} (one topic per payload,
 * plus dead letters), {@link dev.armory.platform.events.Events} (envelopes), {@link
 * dev.armory.platform.events.EventCodec} (protobuf or proto3 JSON by content-type header, then
 * validation), {@link dev.armory.platform.events.EventProducer} (idempotent producer, dead
 * letters), {@link dev.armory.platform.events.EventConsumerLoop} (commit after effect, retries,
 * dead letters) and {@link dev.armory.platform.events.ConsumedEvent} (what a handler gets,
 * including once-per-key effects).
 */
package dev.armory.platform.events;
