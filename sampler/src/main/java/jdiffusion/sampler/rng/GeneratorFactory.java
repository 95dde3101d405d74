package jdiffusion.sampler.rng;

/** Creates a freshly seeded generator: the webui's {@code rng.create_generator(seed)}. */
@FunctionalInterface
public interface GeneratorFactory {

    NoiseGenerator create(long seed);

    /**
     * The first draw of a brand-new generator seeded with {@code seed}: the webui's
     * {@code randn_local(seed, shape)} (also what Brownian-tree nodes draw).
     */
    default float[] randnLocal(long seed, int... shape) {
        return create(seed).randn(shape);
    }
}
