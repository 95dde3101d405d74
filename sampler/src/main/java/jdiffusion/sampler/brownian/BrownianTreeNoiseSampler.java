package jdiffusion.sampler.brownian;

import java.util.Arrays;
import jdiffusion.sampler.NoiseSampler;
import jdiffusion.sampler.rng.GeneratorFactory;
import jdiffusion.tensor.Tensor;

/**
 * k-diffusion's {@code BrownianTreeNoiseSampler(x, sigma_min, sigma_max, seed=[seeds])} as the webui
 * creates it for the SDE samplers ({@code Sampler.create_noise_sampler}): one {@link BrownianTree} per
 * image over [σ_min, σ_max] (identity transform), entropy = the image's seed. A request
 * {@code (σ, σ')} returns, per image, {@code W(σ, σ')/sqrt(|σ' − σ|)} — standard normal — where the
 * increment is taken over the sorted interval and negated when the request runs downwards.
 */
public final class BrownianTreeNoiseSampler implements NoiseSampler {
    private final BrownianTree[] trees;
    private final int[] itemShape;
    private final int itemSize;
    /** k-diffusion's {@code BatchedBrownianTree.sign}: −1 only when σ_min == σ_max. */
    private final int sign;

    /**
     * @param itemShape  shape of one image's noise (C, h, w)
     * @param sigmaMin   smallest positive sigma of the full schedule (float32)
     * @param sigmaMax   largest sigma of the full schedule
     * @param seeds      one seed per image (the webui's {@code p.all_seeds} of the batch)
     * @param generators the RNG source that draws every tree node
     */
    public BrownianTreeNoiseSampler(int[] itemShape, float sigmaMin, float sigmaMax, long[] seeds,
                                    GeneratorFactory generators) {
        if (seeds.length == 0) {
            throw new IllegalArgumentException("Brownian noise sampler needs at least one seed");
        }
        if (!(sigmaMin > 0) || !(sigmaMax >= sigmaMin) || Float.isInfinite(sigmaMax)) {
            throw new IllegalArgumentException("Brownian noise sampler needs 0 < sigma_min <= sigma_max, got sigma_min="
                    + sigmaMin + ", sigma_max=" + sigmaMax);
        }
        this.itemShape = itemShape.clone();
        this.sign = sigmaMin < sigmaMax ? 1 : -1;
        this.trees = new BrownianTree[seeds.length];
        for (int b = 0; b < seeds.length; b++) {
            trees[b] = new BrownianTree(sigmaMin, sigmaMax, seeds[b], itemShape, generators);
        }
        this.itemSize = jdiffusion.sampler.rng.NoiseGenerator.sizeOf(itemShape);
    }

    /**
     * Creates the sampler the webui makes for a schedule: σ_min = smallest positive, σ_max = largest
     * of the full schedule (for img2img: of the whole schedule, not only the part sampled).
     */
    public static BrownianTreeNoiseSampler forSchedule(int[] itemShape, float[] sigmas, long[] seeds,
                                                       GeneratorFactory generators) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float s : sigmas) {
            if (s > 0 && s < min) {
                min = s;
            }
            max = Math.max(max, s);
        }
        return new BrownianTreeNoiseSampler(itemShape, min, max, seeds, generators);
    }

    @Override
    public Tensor noise(float sigma, float sigmaNext) {
        if (sigma == sigmaNext) {
            throw new IllegalArgumentException("Brownian noise over an empty interval (sigma = sigma_next = "
                    + sigma + "): the schedule repeats a sigma");
        }
        float lo = Math.min(sigma, sigmaNext);
        float hi = Math.max(sigma, sigmaNext);
        float direction = sign * (sigma < sigmaNext ? 1 : -1);
        float scale = (float) Math.sqrt(Math.abs(sigmaNext - sigma));
        int[] shape = new int[itemShape.length + 1];
        shape[0] = trees.length;
        System.arraycopy(itemShape, 0, shape, 1, itemShape.length);
        float[] out = new float[trees.length * itemSize];
        for (int b = 0; b < trees.length; b++) {
            float[] w = trees[b].increment(lo, hi);
            for (int i = 0; i < itemSize; i++) {
                out[b * itemSize + i] = (w[i] * direction) / scale;
            }
        }
        return Tensor.of(out, shape);
    }

    @Override
    public String toString() {
        return "BrownianTreeNoiseSampler" + Arrays.toString(itemShape) + " x " + trees.length;
    }
}
