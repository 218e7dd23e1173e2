package dev.armory.platform.events;

/**
 * Acts on one consumed event. Return normally once the effect is durable (the offset is then
 * committed); throw {@link InvalidEventException} for an event that can never be acted on (it goes
 * to the dead-letter topic); throw anything else to have the event redelivered after a backoff.
 */
@FunctionalInterface
public interface EventHandler {
  void handle(ConsumedEvent event) throws Exception;
}
