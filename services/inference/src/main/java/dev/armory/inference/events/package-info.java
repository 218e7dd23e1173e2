/**
 * Inference's side of the event platform: {@link dev.armory.inference.events.AdapterEvents}
 * consumes {@code armory.adapter.published} when {@code armory.inference.events.enabled} is true,
 * and {@link dev.armory.inference.events.PublishedAdapterLoader} hot-loads each adapter into the
 * running server.
 */
package dev.armory.inference.events;
