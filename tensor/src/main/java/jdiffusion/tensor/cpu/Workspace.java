package jdiffusion.tensor.cpu;

/**
 * Per-thread scratch buffers of the kernels (packed GEMM panels, conversion runs, attention
 * tiles), grown on demand and kept: a UNet step calls GEMM thousands of times and must not allocate
 * megabytes each time. Large buffers are taken and given back, so a nested use on the same thread
 * (a kernel called from inside another kernel's task) gets its own buffer instead of clobbering one.
 */
final class Workspace {
    private static final ThreadLocal<Workspace> LOCAL = ThreadLocal.withInitial(Workspace::new);

    private final float[][] free = new float[Slot.values().length][];
    private float[] run = new float[0];

    /** Buffers that may be held across a kernel's inner loops. */
    enum Slot { PACK_A, PACK_B, TILE, ATTN, ATTN_HEAD }

    static Workspace get() {
        return LOCAL.get();
    }

    /** A buffer of at least {@code n} floats for {@code slot}; give it back with {@link #give}. */
    float[] take(Slot slot, int n) {
        float[] b = free[slot.ordinal()];
        free[slot.ordinal()] = null;
        if (b == null || b.length < n) {
            b = new float[n];
        }
        return b;
    }

    void give(Slot slot, float[] b) {
        float[] held = free[slot.ordinal()];
        if (held == null || held.length < b.length) {
            free[slot.ordinal()] = b;
        }
    }

    /** A short conversion buffer for one packing call (never held across another kernel call). */
    float[] run(int n) {
        if (run.length < n) {
            run = new float[n];
        }
        return run;
    }
}
