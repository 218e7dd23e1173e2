/**
 * Armory's platform library, shared by every service: {@link dev.armory.platform.PlatformConfig}
 * (Kafka and store settings), then {@code events} (topics, codec, producer, consumer loop), {@code
 * store} (artifact store with manifests and idempotency records) and {@code kafka} (the embedded
 * KRaft broker).
 */
package dev.armory.platform;
