package jdiffusion.sampler.rng;

/**
 * The webui's "NV" generator ({@code modules/rng_philox.py}): an emulation of CUDA
 * {@code torch.randn} on the CPU. Element i of a draw is Philox-4x32-10 with key = seed (low word,
 * high word) and counter = [offset, 0, i, 0]; the first two output words give one Box–Muller sine
 * value. {@code offset} starts at 0 and advances by one per draw, whatever its size.
 *
 * <p>Box–Muller runs in double because of numpy's type promotion in the reference (a uint32 array
 * times a float32 array is float64), with the float32 constants widened:
 * {@code u = x·c1 + c1/2}, {@code v = y·c2 + c2/2}, {@code sqrt(-2 ln u)·sin v}, rounded to float.
 * {@link StrictMath} supplies ln/sin/sqrt (reproducible on every JVM; numpy's double functions agree
 * to an ulp of double, invisible after the rounding).
 */
public final class PhiloxGenerator implements NoiseGenerator {
    private static final int M0 = 0xD2511F53;
    private static final int M1 = 0xCD9E8D57;
    private static final int W0 = 0x9E3779B9;
    private static final int W1 = 0xBB67AE85;
    /** {@code np.float32(2.3283064e-10)} widened to double. */
    private static final double C1 = (float) 2.3283064e-10;
    /** {@code np.float32(2.3283064e-10 * 6.2831855)} widened to double. */
    private static final double C2 = (float) (2.3283064e-10 * 6.2831855);
    /** The halves are float32 divisions (exact), widened. */
    private static final double C1_HALF = (float) C1 / 2f;
    private static final double C2_HALF = (float) C2 / 2f;

    private final long seed;
    private int offset;

    public PhiloxGenerator(long seed) {
        this.seed = seed;
    }

    @Override
    public float[] randn(int... shape) {
        int n = NoiseGenerator.sizeOf(shape);
        float[] out = new float[n];
        int key0 = (int) seed;
        int key1 = (int) (seed >>> 32);
        for (int i = 0; i < n; i++) {
            long xy = philox(offset, i, key0, key1);
            double u = Integer.toUnsignedLong((int) xy) * C1 + C1_HALF;
            double v = Integer.toUnsignedLong((int) (xy >>> 32)) * C2 + C2_HALF;
            out[i] = (float) (StrictMath.sqrt(-2.0 * StrictMath.log(u)) * StrictMath.sin(v));
        }
        offset++;
        return out;
    }

    /**
     * Philox-4x32-10 on counter [c0, 0, c2, 0]; returns output word 0 in the low and word 1 in the
     * high half (words 2 and 3 are unused by the webui).
     */
    static long philox(int c0, int c2, int key0, int key1) {
        int c1 = 0;
        int c3 = 0;
        int k0 = key0;
        int k1 = key1;
        for (int round = 0; round < 10; round++) {
            long p = Integer.toUnsignedLong(c0) * Integer.toUnsignedLong(M0);
            long q = Integer.toUnsignedLong(c2) * Integer.toUnsignedLong(M1);
            int n0 = (int) (q >>> 32) ^ c1 ^ k0;
            int n1 = (int) q;
            int n2 = (int) (p >>> 32) ^ c3 ^ k1;
            int n3 = (int) p;
            c0 = n0;
            c1 = n1;
            c2 = n2;
            c3 = n3;
            if (round < 9) {
                k0 += W0;
                k1 += W1;
            }
        }
        return Integer.toUnsignedLong(c0) | ((long) c1 << 32);
    }
}
