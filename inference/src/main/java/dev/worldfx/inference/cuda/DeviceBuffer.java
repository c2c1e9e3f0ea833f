package dev.worldfx.inference.cuda;

/** A pooled device allocation used by one op; close hands it back to the pool. */
final class DeviceBuffer implements AutoCloseable {
  private final DevicePool pool;
  private final DevicePool.Block block;
  private boolean closed;

  DeviceBuffer(DevicePool pool, DevicePool.Block block) {
    this.pool = pool;
    this.block = block;
  }

  long address() {
    return block.address();
  }

  long bytes() {
    return block.bytes();
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      pool.release(block);
    }
  }
}
