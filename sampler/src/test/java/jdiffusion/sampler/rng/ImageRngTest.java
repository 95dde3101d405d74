package jdiffusion.sampler.rng;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import jdiffusion.sampler.Fixtures;
import jdiffusion.sampler.Ulp;
import jdiffusion.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ImageRngTest {
    private static final int[] SHAPE = {4, 6, 5};
    private static final GeneratorFactory CPU = RngSource.CPU.factory();

    private static float[] image(Tensor t, int i) {
        int n = t.size() / t.dim(0);
        return Arrays.copyOfRange(t.toFloatArray(), i * n, (i + 1) * n);
    }

    @Test
    void samplerFixtureNoiseIsTheImageRngStream() {
        try (Fixtures f = Fixtures.open("samplers/analytic.euler.safetensors")) {
            ImageRng rng = ImageRng.of(CPU, SHAPE, 4242, 4243);
            assertEquals(0, Ulp.mismatches(f.floats("noise_init"), rng.next().toFloatArray()));
            for (int j = 0; f.has("rng_draw." + j); j++) {
                assertEquals(0, Ulp.mismatches(f.floats("rng_draw." + j), rng.next().toFloatArray()), "draw " + j);
            }
        }
    }

    @Test
    void imageNoiseDoesNotDependOnTheBatch() {
        ImageRng batch = ImageRng.of(CPU, SHAPE, 100, 101, 102);
        ImageRng single = ImageRng.of(CPU, SHAPE, 101);
        for (int draw = 0; draw < 3; draw++) {
            assertArrayEquals(single.next().toFloatArray(), image(batch.next(), 1), "draw " + draw);
        }
    }

    @Test
    void ensdReseedsAfterTheInitialNoise() {
        ImageRng plain = ImageRng.of(CPU, SHAPE, 77);
        plain.next();
        NoiseGenerator stream = CPU.create(77);
        stream.randn(SHAPE);
        assertArrayEquals(stream.randn(SHAPE), plain.next().toFloatArray());

        ImageRng ensd = new ImageRng(CPU, SHAPE, new long[] {77}, ImageRng.Variation.NONE, 0, 0, 31337);
        assertArrayEquals(CPU.create(77).randn(SHAPE), ensd.next().toFloatArray());
        assertArrayEquals(CPU.create(77 + 31337).randn(SHAPE), ensd.next().toFloatArray());
    }

    @Test
    void variationStrengthZeroNeverDrawsTheSubseedAndOneGivesTheSubseedNoise() {
        var none = new ImageRng(CPU, SHAPE, new long[] {5}, new ImageRng.Variation(new long[] {9}, 0f), 0, 0, 0);
        assertArrayEquals(CPU.create(5).randn(SHAPE), none.next().toFloatArray());
        var full = new ImageRng(CPU, SHAPE, new long[] {5}, new ImageRng.Variation(new long[] {9}, 1f), 0, 0, 0);
        float[] sub = CPU.create(9).randn(SHAPE);
        float[] got = full.next().toFloatArray();
        for (int i = 0; i < sub.length; i++) {
            assertEquals(sub[i], got[i], 2e-5f);
        }
        // A missing subseed counts as 0.
        var missing = new ImageRng(CPU, SHAPE, new long[] {5, 6}, new ImageRng.Variation(new long[] {9}, 1f), 0, 0, 0);
        float[] zero = CPU.create(0).randn(SHAPE);
        float[] second = image(missing.next(), 1);
        for (int i = 0; i < zero.length; i++) {
            assertEquals(zero[i], second[i], 2e-5f);
        }
    }

    @Test
    void slerpNormalisesAlongTheHeightAxis() {
        int c = 2;
        int h = 7;
        int w = 3;
        float[] low = new TorchCpuGenerator(1).randn(c, h, w);
        float[] high = new TorchCpuGenerator(2).randn(c, h, w);
        float val = 0.3f;
        float[] got = Slerp.slerp(val, low, high, c, h, w);
        for (int ch = 0; ch < c; ch++) {
            for (int col = 0; col < w; col++) {
                double nl = 0;
                double nh = 0;
                double dot = 0;
                for (int r = 0; r < h; r++) {
                    double a = low[(ch * h + r) * w + col];
                    double b = high[(ch * h + r) * w + col];
                    nl += a * a;
                    nh += b * b;
                    dot += a * b;
                }
                double omega = Math.acos(dot / Math.sqrt(nl * nh));
                for (int r = 0; r < h; r++) {
                    int i = (ch * h + r) * w + col;
                    double expected = Math.sin((1 - val) * omega) / Math.sin(omega) * low[i]
                            + Math.sin(val * omega) / Math.sin(omega) * high[i];
                    assertEquals(expected, got[i], 1e-5, "(" + ch + ", " + r + ", " + col + ")");
                }
            }
        }
        // Nearly parallel operands take the linear fallback with its reversed weights.
        float[] lin = Slerp.slerp(0.25f, low, low, c, h, w);
        for (int i = 0; i < lin.length; i++) {
            assertEquals(low[i] * 0.25f + low[i] * 0.75f, lin[i]);
        }
    }

    @Test
    void resizeSeedPastesTheSourceNoiseCentred() {
        // Source 64x40 px -> latent 8x5, target latent 6x9: rows cropped, columns padded.
        int[] target = {4, 6, 9};
        var rng = new ImageRng(CPU, target, new long[] {3}, ImageRng.Variation.NONE, 64, 40, 0);
        float[] got = rng.next().toFloatArray();
        float[] src = CPU.create(3).randn(4, 8, 5);
        float[] base = CPU.create(3).randn(target);
        // Python: dx = (9-5)//2 = 2, dy = (6-8)//2 = -1 -> h = 8-2 = 6, rows 1..6 of the source at rows 0..5.
        for (int ch = 0; ch < 4; ch++) {
            for (int r = 0; r < 6; r++) {
                for (int col = 0; col < 9; col++) {
                    float expected = col >= 2 && col < 7 ? src[(ch * 8 + r + 1) * 5 + col - 2] : base[(ch * 6 + r) * 9 + col];
                    assertEquals(expected, got[(ch * 6 + r) * 9 + col], "(" + ch + "," + r + "," + col + ")");
                }
            }
        }
        // Same size as the target: no resize at all.
        var same = new ImageRng(CPU, target, new long[] {3}, ImageRng.Variation.NONE, 48, 72, 0);
        assertArrayEquals(base, same.next().toFloatArray());
    }

    @Test
    void oddShrinkUsesFloorDivision() {
        float[] src = new float[1 * 1 * 10];
        for (int i = 0; i < src.length; i++) {
            src[i] = i;
        }
        float[] dst = new float[7];
        Arrays.fill(dst, -1);
        // dx = (7-10)//2 = -2: w = 10-4 = 6, source columns 2..7 go to 0..5, column 6 keeps its value.
        ImageRng.pasteCentred(src, new int[] {1, 1, 10}, dst, new int[] {1, 1, 7});
        assertArrayEquals(new float[] {2, 3, 4, 5, 6, 7, -1}, dst);
    }

    @Test
    void seedsOfAJob() {
        assertArrayEquals(new long[] {100, 101, 102}, Seeds.imageSeeds(100, 0f, 3));
        assertArrayEquals(new long[] {100, 100, 100}, Seeds.imageSeeds(100, 0.5f, 3));
        assertArrayEquals(new long[] {7, 8}, Seeds.imageSubseeds(7, 2));
        long r = Seeds.fixed(-1, new java.util.Random(1));
        assertEquals(true, r >= 0 && r < Seeds.RANDOM_SEED_BOUND);
        assertEquals(42, Seeds.fixed(42, new java.util.Random(1)));
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> ImageRng.of(CPU, new int[] {4, 8}, 1));
        assertThrows(IllegalArgumentException.class, () -> ImageRng.of(CPU, SHAPE));
        assertThrows(IllegalArgumentException.class, () -> new ImageRng.Variation(new long[0], 1.5f));
        assertThrows(IllegalArgumentException.class, () -> RngSource.fromLabel("TPU"));
        assertEquals(RngSource.NV, RngSource.fromLabel("nv"));
    }
}
