package jdiffusion.cuda;

import java.lang.ref.Cleaner;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A caching pool of device memory. Blocks are rounded to 512 bytes and reused by exact size (the
 * UNet asks for the same shapes every step). A block is tied to an owner object (a tensor's
 * storage); when the owner becomes unreachable a {@link Cleaner} queues the block for reuse. The
 * cleaner thread makes no CUDA calls: blocks are recycled on the next allocation. Reuse is safe
 * without synchronisation because every kernel and copy runs on the context's single stream.
 *
 * <p>Blocks up to {@value #SLAB_BLOCK_MAX} bytes are carved from 256 MiB slabs, so a new block
 * costs no driver call (cuMemAlloc takes tens of microseconds, more than most kernels); larger
 * blocks are separate allocations. A block's origin follows from its size class.
 *
 * <p>The JVM does not see device memory: a tensor's Java objects are tiny, so the garbage
 * collector would rarely run on its own while the device fills up. When the bytes held by live
 * tensors pass a soft limit (40% of the device, or {@code -Djdiffusion.cuda.softLimitMiB}), the
 * pool asks for a collection and recycles what it freed before growing; the limit then rises to
 * 1.5x what stayed alive, so a large working set does not collect on every allocation. An
 * allocation that fails frees the cached blocks, collects and retries before reporting
 * out-of-memory.
 */
final class DeviceAllocator {
    private static final Cleaner CLEANER = Cleaner.create();
    private static final long ALIGN = 512;
    private static final long SLAB = 256L << 20;
    static final long SLAB_BLOCK_MAX = 64L << 20;

    private final CudaContext ctx;
    private final Map<Long, ArrayDeque<Long>> free = new HashMap<>();
    private final ConcurrentLinkedQueue<long[]> returned = new ConcurrentLinkedQueue<>();
    private long cachedBytes;
    private long liveBytes;
    private final long softLimit;
    private long gcThreshold;
    private long collections;
    private long slabNext;
    private long slabEnd;
    private long slabBytes;

    DeviceAllocator(CudaContext ctx) {
        this.ctx = ctx;
        long mib = Long.getLong("jdiffusion.cuda.softLimitMiB", -1);
        this.softLimit = mib > 0 ? mib << 20 : (long) (ctx.totalMemory() * 0.4);
        this.gcThreshold = softLimit;
    }

    static long rounded(long bytes) {
        return Math.max(ALIGN, (bytes + ALIGN - 1) / ALIGN * ALIGN);
    }

    /** A block of at least {@code bytes}, recycled when {@code owner} is collected. */
    long allocate(long bytes, Object owner) {
        long size = rounded(bytes);
        long ptr = take(size);
        CLEANER.register(owner, new Return(returned, ptr, size));
        return ptr;
    }

    /** A block the caller gives back with {@link #release} (scratch space of one operation). */
    long allocateScratch(long bytes) {
        return take(rounded(bytes));
    }

    /** Returns a scratch block; queued kernels that still use it run before any reuse (stream order). */
    void release(long ptr, long bytes) {
        returned.add(new long[] {ptr, rounded(bytes)});
    }

    private synchronized long take(long size) {
        recycle();
        ArrayDeque<Long> q = free.get(size);
        if (q != null && !q.isEmpty()) {
            cachedBytes -= size;
            liveBytes += size;
            return q.pop();
        }
        if (liveBytes + size > gcThreshold) {
            collect(size);
            q = free.get(size);
            if (q != null && !q.isEmpty()) {
                cachedBytes -= size;
                liveBytes += size;
                return q.pop();
            }
        }
        Driver drv = ctx.driver();
        for (int attempt = 0; attempt < 4; attempt++) {
            long p = size <= SLAB_BLOCK_MAX ? carve(size) : drv.memAlloc(size);
            if (p != 0) {
                liveBytes += size;
                return p;
            }
            if (attempt > 0) {
                System.gc();
                try {
                    Thread.sleep(20L * attempt);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            recycle();
            q = free.get(size);
            if (q != null && !q.isEmpty()) {
                cachedBytes -= size;
                liveBytes += size;
                return q.pop();
            }
            trim();
        }
        long[] info = drv.memInfo();
        throw new CudaException("out of device memory on " + ctx.deviceName() + ": requested " + size
                + " bytes with " + liveBytes + " bytes in live tensors; the device reports " + info[0]
                + " bytes free of " + info[1]);
    }

    /** A fresh block from the current slab (a new slab when it is used up), or 0 when the device is full. */
    private long carve(long size) {
        if (slabEnd - slabNext < size) {
            long p = ctx.driver().memAlloc(SLAB);
            if (p == 0) {
                return 0;
            }
            slabBytes += SLAB;
            slabNext = p;
            slabEnd = p + SLAB;
        }
        long p = slabNext;
        slabNext += size;
        return p;
    }

    /** Asks for a collection and recycles the blocks of the tensors it found unreachable. */
    private void collect(long size) {
        collections++;
        System.gc();
        // Cleaners run on their own thread after the collection: give them a moment.
        for (int i = 0; i < 10; i++) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            recycle();
            ArrayDeque<Long> q = free.get(size);
            if (q != null && !q.isEmpty() && returned.isEmpty()) {
                break;
            }
        }
        gcThreshold = Math.max(softLimit, liveBytes + liveBytes / 2);
    }

    synchronized long collections() {
        return collections;
    }

    /** Moves blocks returned by cleaners or scratch releases into the free lists. */
    private void recycle() {
        long[] r;
        while ((r = returned.poll()) != null) {
            free.computeIfAbsent(r[1], k -> new ArrayDeque<>()).push(r[0]);
            cachedBytes += r[1];
            liveBytes -= r[1];
        }
    }

    /**
     * Frees every cached block that is a driver allocation of its own (after the stream has
     * drained); slab blocks stay cached for their size class.
     */
    synchronized void trim() {
        recycle();
        if (cachedBytes == 0) {
            return;
        }
        ctx.driver().streamSynchronize(ctx.stream());
        for (var it = free.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, ArrayDeque<Long>> e = it.next();
            if (e.getKey() > SLAB_BLOCK_MAX) {
                for (long p : e.getValue()) {
                    ctx.driver().memFree(p);
                    cachedBytes -= e.getKey();
                }
                it.remove();
            }
        }
    }

    synchronized long liveBytes() {
        recycle();
        return liveBytes;
    }

    synchronized long cachedBytes() {
        recycle();
        return cachedBytes;
    }

    /** The cleaner action: must not reference the owner. */
    private record Return(ConcurrentLinkedQueue<long[]> queue, long ptr, long size) implements Runnable {
        @Override
        public void run() {
            queue.add(new long[] {ptr, size});
        }
    }
}
