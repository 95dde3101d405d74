package jdiffusion.sampler.rng;

import java.util.random.RandomGenerator;

/** The webui's job seeds ({@code processing.get_fixed_seed}, {@code process_images_inner}). */
public final class Seeds {
    /** {@code random.randrange(4294967294)}: a random seed is in [0, 4294967293]. */
    public static final long RANDOM_SEED_BOUND = 4294967294L;

    private Seeds() {
    }

    /** −1 means "random": draws one in [0, 4294967293]; any other value is returned as is. */
    public static long fixed(long seed, RandomGenerator random) {
        return seed == -1 ? random.nextLong(RANDOM_SEED_BOUND) : seed;
    }

    /**
     * Seeds of images 0..n−1 of a job: {@code seed + k}, or {@code seed} for every image when a
     * variation strength is set (the variation then comes from the subseeds).
     */
    public static long[] imageSeeds(long seed, float variationStrength, int n) {
        long[] out = new long[n];
        for (int k = 0; k < n; k++) {
            out[k] = variationStrength > 0 ? seed : seed + k;
        }
        return out;
    }

    /** Subseeds of images 0..n−1: {@code subseed + k}. */
    public static long[] imageSubseeds(long subseed, int n) {
        long[] out = new long[n];
        for (int k = 0; k < n; k++) {
            out[k] = subseed + k;
        }
        return out;
    }
}
