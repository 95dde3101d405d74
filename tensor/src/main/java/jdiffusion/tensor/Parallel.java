package jdiffusion.tensor;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;

/**
 * The one place kernels get parallelism from: a fork/join pool of a fixed number of threads.
 *
 * <p>Determinism rule: a kernel splits work into index ranges whose results do not depend on how
 * the ranges are grouped (each output element is computed by exactly one task, with a fixed
 * reduction order). Results are therefore bit-identical for every thread count; tests check 1 vs N.
 */
public final class Parallel implements AutoCloseable {
    /** Work items below this count per task are not worth a fork. */
    private static final int DEFAULT_MIN_GRAIN = 1;

    private static final class Holder {
        static final Parallel SHARED = new Parallel(defaultThreads());
    }

    private final int threads;
    private final ForkJoinPool pool;

    /** A pool with {@code threads} workers (1 = run everything on the calling thread). */
    public Parallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.pool = threads == 1 ? null : new ForkJoinPool(threads, p -> {
            var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setName("jdiffusion-" + t.getPoolIndex());
            t.setDaemon(true);
            return t;
        }, null, false);
    }

    /**
     * The process-wide pool, sized by the system property {@code jdiffusion.threads} or else by the
     * available processors.
     */
    public static Parallel shared() {
        return Holder.SHARED;
    }

    static int defaultThreads() {
        String p = System.getProperty("jdiffusion.threads");
        if (p != null && !p.isBlank()) {
            try {
                int n = Integer.parseInt(p.trim());
                if (n >= 1) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // fall through to the processor count
            }
            throw new IllegalArgumentException("system property jdiffusion.threads must be a positive integer, got '" + p + "'");
        }
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    public int threads() {
        return threads;
    }

    /** Body over a half-open range of work items. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    /** Runs {@code body} over {@code [0, n)} split into ranges; returns when all are done. */
    public void forRange(int n, RangeBody body) {
        forRange(n, DEFAULT_MIN_GRAIN, body);
    }

    /**
     * Runs {@code body} over {@code [0, n)} in ranges of at least {@code grain} items. The split only
     * affects which thread computes an item, never its value.
     */
    public void forRange(int n, int grain, RangeBody body) {
        if (n <= 0) {
            return;
        }
        int g = Math.max(1, grain);
        int tasks = Math.min(threads * 4, (n + g - 1) / g);
        if (pool == null || tasks <= 1 || ForkJoinTask.inForkJoinPool() && ForkJoinTask.getPool() == pool) {
            body.run(0, n);
            return;
        }
        pool.invoke(new Split(body, n, tasks, 0, tasks));
    }

    private static final class Split extends RecursiveAction {
        private final RangeBody body;
        private final int n;
        private final int tasks;
        private final int lo;
        private final int hi;

        Split(RangeBody body, int n, int tasks, int lo, int hi) {
            this.body = body;
            this.n = n;
            this.tasks = tasks;
            this.lo = lo;
            this.hi = hi;
        }

        @Override
        protected void compute() {
            if (hi - lo == 1) {
                int from = (int) ((long) n * lo / tasks);
                int to = (int) ((long) n * hi / tasks);
                if (from < to) {
                    body.run(from, to);
                }
                return;
            }
            int mid = (lo + hi) >>> 1;
            invokeAll(new Split(body, n, tasks, lo, mid), new Split(body, n, tasks, mid, hi));
        }
    }

    @Override
    public void close() {
        if (pool != null && this != Holder.SHARED) {
            pool.shutdown();
        }
    }
}
