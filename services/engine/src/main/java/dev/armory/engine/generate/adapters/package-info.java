/**
 * LoRA adapters served per request. Reading order: {@link
 * dev.armory.engine.generate.adapters.AdapterRegistry} (register, load, unload, acquire; LRU under
 * a byte budget), {@link dev.armory.engine.generate.adapters.AdapterLease} (an adapter pinned for a
 * request), {@link dev.armory.engine.generate.adapters.SlotStacks} and the package-private {@code
 * LoraSlots} (the stacked factors the graph gathers per row), {@link
 * dev.armory.engine.generate.adapters.AdapterInfo} and {@link
 * dev.armory.engine.generate.adapters.AdapterStats}.
 */
package dev.armory.engine.generate.adapters;
