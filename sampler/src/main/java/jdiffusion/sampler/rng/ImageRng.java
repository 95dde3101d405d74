package jdiffusion.sampler.rng;

import java.util.Arrays;
import jdiffusion.sampler.NoiseSource;
import jdiffusion.tensor.Tensor;

/**
 * The webui's per-batch noise source {@code rng.ImageRNG}: one generator per image, seeded with that
 * image's seed, so an image's noise never depends on the batch it is in.
 *
 * <p>The first {@link #next()} is the initial latent noise, built per image (spec §6.2): the variation
 * ("subseed") noise is drawn first from a fresh stream of the subseed, the seed's noise from the image's
 * generator (or, with "resize seed from", from a fresh stream at the source latent size), the two are
 * blended by {@link Slerp} with the variation strength, and a resized noise is pasted centred into the
 * image generator's first full-size draw. Then, if "eta noise seed delta" (ENSD) is non-zero, every
 * generator is replaced by a fresh one seeded {@code seed + ENSD}. Later calls return the next draw of
 * each image's generator (the ancestral samplers' per-step noise).
 */
public final class ImageRng implements NoiseSource {
    private final GeneratorFactory factory;
    private final int[] shape;
    private final long[] seeds;
    private final Variation variation;
    private final int seedResizeFromH;
    private final int seedResizeFromW;
    private final long etaNoiseSeedDelta;
    private NoiseGenerator[] generators;
    private boolean first = true;

    /** Variation seeds: image i blends in the noise of {@code subseeds[i]} (0 when missing). */
    public record Variation(long[] subseeds, float strength) {
        public static final Variation NONE = new Variation(new long[0], 0f);

        public Variation {
            subseeds = subseeds.clone();
            if (!(strength >= 0 && strength <= 1)) {
                throw new IllegalArgumentException("variation strength must be in [0, 1], got " + strength);
            }
        }

        @Override
        public long[] subseeds() {
            return subseeds.clone();
        }

        boolean active() {
            return strength != 0;
        }
    }

    /**
     * @param factory           the RNG source
     * @param shape             per-image latent shape (C, H/8, W/8)
     * @param seeds             one seed per image of the batch
     * @param variation         variation seeds and strength ({@link Variation#NONE} for none)
     * @param seedResizeFromH   "Resize seed from height" in pixels (0 = off)
     * @param seedResizeFromW   "Resize seed from width" in pixels (0 = off)
     * @param etaNoiseSeedDelta the ENSD option (0 = off)
     */
    public ImageRng(GeneratorFactory factory, int[] shape, long[] seeds, Variation variation,
                    int seedResizeFromH, int seedResizeFromW, long etaNoiseSeedDelta) {
        if (shape.length != 3) {
            throw new IllegalArgumentException("image RNG shape must be (C, h, w), got " + Arrays.toString(shape));
        }
        NoiseGenerator.sizeOf(shape);
        if (seeds.length == 0) {
            throw new IllegalArgumentException("image RNG needs at least one seed");
        }
        this.factory = factory;
        this.shape = shape.clone();
        this.seeds = seeds.clone();
        this.variation = variation;
        this.seedResizeFromH = seedResizeFromH;
        this.seedResizeFromW = seedResizeFromW;
        this.etaNoiseSeedDelta = etaNoiseSeedDelta;
        this.generators = new NoiseGenerator[seeds.length];
        for (int i = 0; i < seeds.length; i++) {
            generators[i] = factory.create(seeds[i]);
        }
    }

    /** Plain seeds: no variation, no seed resize, no ENSD. */
    public static ImageRng of(GeneratorFactory factory, int[] shape, long... seeds) {
        return new ImageRng(factory, shape, seeds, Variation.NONE, 0, 0, 0);
    }

    /** Batch size. */
    public int batch() {
        return seeds.length;
    }

    @Override
    public Tensor next() {
        if (first) {
            first = false;
            return first();
        }
        int n = NoiseGenerator.sizeOf(shape);
        float[] out = new float[seeds.length * n];
        for (int i = 0; i < seeds.length; i++) {
            System.arraycopy(generators[i].randn(shape), 0, out, i * n, n);
        }
        return Tensor.of(out, batchShape());
    }

    private int[] batchShape() {
        return new int[] {seeds.length, shape[0], shape[1], shape[2]};
    }

    private Tensor first() {
        int c = shape[0];
        boolean resized = seedResizeFromH > 0 && seedResizeFromW > 0;
        int[] noiseShape = resized ? new int[] {c, seedResizeFromH / 8, seedResizeFromW / 8} : shape;
        resized = resized && !Arrays.equals(noiseShape, shape);
        int n = NoiseGenerator.sizeOf(shape);
        float[] out = new float[seeds.length * n];
        for (int i = 0; i < seeds.length; i++) {
            float[] subnoise = null;
            if (variation.active()) {
                long[] subseeds = variation.subseeds;
                long subseed = i < subseeds.length ? subseeds[i] : 0;
                subnoise = factory.randnLocal(subseed, noiseShape);
            }
            float[] noise = resized ? factory.randnLocal(seeds[i], noiseShape) : generators[i].randn(shape);
            if (subnoise != null) {
                noise = Slerp.slerp(variation.strength(), noise, subnoise, c, noiseShape[1], noiseShape[2]);
            }
            if (resized) {
                float[] x = generators[i].randn(shape);
                pasteCentred(noise, noiseShape, x, shape);
                noise = x;
            }
            System.arraycopy(noise, 0, out, i * n, n);
        }
        if (etaNoiseSeedDelta != 0) {
            for (int i = 0; i < seeds.length; i++) {
                generators[i] = factory.create(seeds[i] + etaNoiseSeedDelta);
            }
        }
        return Tensor.of(out, batchShape());
    }

    /**
     * {@code x[:, ty:ty+h, tx:tx+w] = noise[:, dy:dy+h, dx:dx+w]} with the webui's offsets: centred,
     * floor-divided, cropping the source when the target is smaller.
     */
    static void pasteCentred(float[] src, int[] srcShape, float[] dst, int[] dstShape) {
        int dx = Math.floorDiv(dstShape[2] - srcShape[2], 2);
        int dy = Math.floorDiv(dstShape[1] - srcShape[1], 2);
        int w = dx >= 0 ? srcShape[2] : srcShape[2] + 2 * dx;
        int h = dy >= 0 ? srcShape[1] : srcShape[1] + 2 * dy;
        int tx = Math.max(dx, 0);
        int ty = Math.max(dy, 0);
        int sx = Math.max(-dx, 0);
        int sy = Math.max(-dy, 0);
        // Python slices clamp at the end of each axis.
        w = Math.min(w, Math.min(dstShape[2] - tx, srcShape[2] - sx));
        h = Math.min(h, Math.min(dstShape[1] - ty, srcShape[1] - sy));
        if (w <= 0 || h <= 0) {
            return;
        }
        for (int ch = 0; ch < dstShape[0]; ch++) {
            for (int row = 0; row < h; row++) {
                int s = (ch * srcShape[1] + sy + row) * srcShape[2] + sx;
                int d = (ch * dstShape[1] + ty + row) * dstShape[2] + tx;
                System.arraycopy(src, s, dst, d, w);
            }
        }
    }
}
