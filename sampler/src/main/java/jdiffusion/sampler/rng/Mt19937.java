package jdiffusion.sampler.rng;

/**
 * The Mersenne Twister MT19937 exactly as PyTorch's CPU generator runs it
 * ({@code aten/src/ATen/core/MT19937RNGEngine.h}): seeded from the low 32 bits of the seed with the
 * Knuth multiplier 1812433253, full twist on the first output, standard tempering.
 */
public final class Mt19937 {
    private static final int N = 624;
    private static final int M = 397;
    private static final int MATRIX_A = 0x9908b0df;
    private static final int UPPER_MASK = 0x80000000;
    private static final int LOWER_MASK = 0x7fffffff;

    private final int[] state = new int[N];
    private int left = 1;
    private int next = 0;

    /** Seeds with {@code seed mod 2^32} (PyTorch ignores the high bits). */
    public Mt19937(long seed) {
        state[0] = (int) seed;
        for (int j = 1; j < N; j++) {
            int prev = state[j - 1];
            state[j] = 1812433253 * (prev ^ (prev >>> 30)) + j;
        }
    }

    /** The next 32-bit output (use {@code Integer.toUnsignedLong} for its unsigned value). */
    public int nextInt() {
        if (--left == 0) {
            twist();
        }
        int y = state[next++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        return y ^ (y >>> 18);
    }

    private static int twist(int u, int v) {
        int mixed = (u & UPPER_MASK) | (v & LOWER_MASK);
        return (mixed >>> 1) ^ ((v & 1) != 0 ? MATRIX_A : 0);
    }

    private void twist() {
        left = N;
        next = 0;
        for (int i = 0; i < N - M; i++) {
            state[i] = state[i + M] ^ twist(state[i], state[i + 1]);
        }
        for (int i = N - M; i < N - 1; i++) {
            state[i] = state[i + M - N] ^ twist(state[i], state[i + 1]);
        }
        state[N - 1] = state[M - 1] ^ twist(state[N - 1], state[0]);
    }
}
