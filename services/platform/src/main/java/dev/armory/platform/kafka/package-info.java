/**
 * Kafka infrastructure: {@link dev.armory.platform.kafka.EmbeddedKafka} (a real KRaft broker in
 * this JVM) and {@link dev.armory.platform.kafka.TopicSetup} (creating Armory's topics).
 */
package dev.armory.platform.kafka;
