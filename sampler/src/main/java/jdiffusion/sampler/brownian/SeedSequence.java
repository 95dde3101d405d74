package jdiffusion.sampler.brownian;

import java.util.ArrayList;
import java.util.List;

/**
 * numpy's {@code np.random.SeedSequence(entropy, spawn_key=..., pool_size=...).generate_state(n)}
 * (the uint32 words), which torchsde uses to derive the seed of every Brownian-tree node.
 *
 * <p>The algorithm is O'Neill's seed_seq hash: entropy words are hashed into a pool with a
 * multiplicative hash whose constant advances on every use, every pool word is mixed into every
 * other, and the output words are hashed again from the pool. All arithmetic is mod 2^32.
 */
public final class SeedSequence {
    private static final int INIT_A = 0x43b0d7e5;
    private static final int MULT_A = 0x931e8875;
    private static final int INIT_B = 0x8b51f9dd;
    private static final int MULT_B = 0x58f38ded;
    private static final int MIX_MULT_L = 0xca01f9dd;
    private static final int MIX_MULT_R = 0x4973f715;
    private static final int XSHIFT = 16;

    private final int[] pool;

    /**
     * @param entropy   the seed (a non-negative integer, split into little-endian 32-bit words)
     * @param spawnKey  the spawn key integers (each non-negative), empty for none
     * @param poolSize  number of pool words (numpy's default is 4; torchsde uses 24)
     */
    public SeedSequence(long entropy, long[] spawnKey, int poolSize) {
        if (poolSize < 4) {
            throw new IllegalArgumentException("pool size must be at least 4, got " + poolSize);
        }
        List<Integer> words = new ArrayList<>(words(entropy, "entropy"));
        if (spawnKey.length > 0 && words.size() < poolSize) {
            while (words.size() < poolSize) {
                words.add(0);
            }
        }
        for (long k : spawnKey) {
            words.addAll(words(k, "spawn key"));
        }
        this.pool = new int[poolSize];
        mix(words);
    }

    /** Little-endian 32-bit words of a non-negative integer; 0 is the single word [0]. */
    private static List<Integer> words(long v, String what) {
        if (v < 0) {
            throw new IllegalArgumentException(what + " must be non-negative, got " + v);
        }
        List<Integer> out = new ArrayList<>(2);
        do {
            out.add((int) v);
            v >>>= 32;
        } while (v != 0);
        return out;
    }

    private void mix(List<Integer> entropy) {
        int[] hashConst = {INIT_A};
        int n = pool.length;
        for (int i = 0; i < n; i++) {
            pool[i] = hashmix(i < entropy.size() ? entropy.get(i) : 0, hashConst);
        }
        for (int src = 0; src < n; src++) {
            for (int dst = 0; dst < n; dst++) {
                if (src != dst) {
                    pool[dst] = mix(pool[dst], hashmix(pool[src], hashConst));
                }
            }
        }
        for (int src = n; src < entropy.size(); src++) {
            for (int dst = 0; dst < n; dst++) {
                pool[dst] = mix(pool[dst], hashmix(entropy.get(src), hashConst));
            }
        }
    }

    private static int hashmix(int value, int[] hashConst) {
        value ^= hashConst[0];
        hashConst[0] *= MULT_A;
        value *= hashConst[0];
        return value ^ (value >>> XSHIFT);
    }

    private static int mix(int x, int y) {
        int r = MIX_MULT_L * x - MIX_MULT_R * y;
        return r ^ (r >>> XSHIFT);
    }

    /** {@code generate_state(n)} as unsigned 32-bit values held in longs. */
    public long[] generateState(int n) {
        long[] out = new long[n];
        int hashConst = INIT_B;
        for (int i = 0; i < n; i++) {
            int v = pool[i % pool.length];
            v ^= hashConst;
            hashConst *= MULT_B;
            v *= hashConst;
            v ^= v >>> XSHIFT;
            out[i] = Integer.toUnsignedLong(v);
        }
        return out;
    }
}
