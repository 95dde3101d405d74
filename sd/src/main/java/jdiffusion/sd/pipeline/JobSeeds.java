package jdiffusion.sd.pipeline;

import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;
import jdiffusion.sampler.rng.Seeds;

/**
 * The job's seeds (spec conditioning-and-sampling.md §1 step 1): −1 becomes a random seed in
 * [0, 4294967293]; image k gets {@code seed + k} (the same seed for all with a variation strength) and
 * the variation seed {@code subseed + k}.
 */
record JobSeeds(long[] seeds, long[] subseeds) {

    static JobSeeds of(GenerationSettings s, int images, RandomGenerator random) {
        long seed = Seeds.fixed(s.seed(), random);
        long subseed = Seeds.fixed(s.subseed(), random);
        return new JobSeeds(Seeds.imageSeeds(seed, (float) s.subseedStrength(), images),
                Seeds.imageSubseeds(subseed, images));
    }

    /** Seeds of batch {@code n} of size {@code b}. */
    long[] batch(int n, int b) {
        return Arrays.copyOfRange(seeds, n * b, (n + 1) * b);
    }

    long[] subBatch(int n, int b) {
        return Arrays.copyOfRange(subseeds, n * b, (n + 1) * b);
    }

    List<Long> seedList() {
        return Arrays.stream(seeds).boxed().toList();
    }

    List<Long> subseedList() {
        return Arrays.stream(subseeds).boxed().toList();
    }
}
