package dev.armory.engine.generate.adapters;

/**
 * A resident adapter pinned for one request: its slot is not evicted or reused until the lease is
 * closed. Closing twice is harmless.
 */
public final class AdapterLease implements AutoCloseable {
  private final AdapterRegistry registry;
  private final String id;
  private final int slot;
  private boolean closed;

  AdapterLease(AdapterRegistry registry, String id, int slot) {
    this.registry = registry;
    this.id = id;
    this.slot = slot;
  }

  public String id() {
    return id;
  }

  /** The slot the graph gathers this adapter's factors from (never 0). */
  public int slot() {
    return slot;
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    registry.release(id);
  }
}
