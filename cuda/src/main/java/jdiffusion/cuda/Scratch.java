package jdiffusion.cuda;

/**
 * Device scratch space for one operation (converted operands). Closing it returns the block to the
 * pool right away: kernels already queued that read it still run first, because every later use
 * of the block is queued behind them on the same stream.
 */
final class Scratch implements AutoCloseable {
    private final DeviceAllocator alloc;
    final long pointer;
    private final long bytes;
    private boolean closed;

    Scratch(DeviceAllocator alloc, long bytes) {
        this.alloc = alloc;
        this.bytes = Math.max(1, bytes);
        this.pointer = alloc.allocateScratch(this.bytes);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            alloc.release(pointer, bytes);
        }
    }
}
