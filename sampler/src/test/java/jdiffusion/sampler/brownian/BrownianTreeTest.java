package jdiffusion.sampler.brownian;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdiffusion.sampler.Fixtures;
import jdiffusion.sampler.Ulp;
import jdiffusion.sampler.rng.RngSource;
import jdiffusion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** testdata/samplers/brownian.safetensors and the tree's invariants. */
class BrownianTreeTest {

    @Test
    void fixtureQueriesAreBitExact() {
        try (Fixtures f = Fixtures.open("samplers/brownian.safetensors")) {
            for (int c = 0; c < 2; c++) {
                String p = "case" + c + ".";
                float[] sigmas = f.floats(p + "sigmas");
                long seed = f.longs(p + "seed")[0];
                int[] shape = f.shape(p + "query0.noise");
                int[] item = {shape[1], shape[2], shape[3]};
                var ns = BrownianTreeNoiseSampler.forSchedule(item, sigmas, new long[] {seed}, RngSource.CPU.factory());
                for (int q = 0; f.has(p + "query" + q + ".noise"); q++) {
                    float[] expected = f.floats(p + "query" + q + ".noise");
                    Tensor actual = ns.noise(sigmas[q], sigmas[q + 1]);
                    assertArrayEquals(shape, actual.shape());
                    assertEquals(0, Ulp.mismatches(expected, actual.toFloatArray()),
                            p + "query" + q + ": max " + Ulp.maxDistance(expected, actual.toFloatArray()) + " ulp");
                }
            }
        }
    }

    @Test
    void resultsDoNotDependOnQueryOrder() {
        float[] sigmas = {14.614643f, 9.102934f, 5.4783993f, 3.1686094f, 1.7494234f, 0.91407657f, 0.029167533f};
        int[] item = {3, 5, 7};
        var forward = BrownianTreeNoiseSampler.forSchedule(item, sigmas, new long[] {7, 8}, RngSource.NV.factory());
        var backward = BrownianTreeNoiseSampler.forSchedule(item, sigmas, new long[] {7, 8}, RngSource.NV.factory());
        float[][] f = new float[sigmas.length - 1][];
        for (int i = 0; i < sigmas.length - 1; i++) {
            f[i] = forward.noise(sigmas[i], sigmas[i + 1]).toFloatArray();
        }
        for (int i = sigmas.length - 2; i >= 0; i--) {
            assertArrayEquals(f[i], backward.noise(sigmas[i], sigmas[i + 1]).toFloatArray(), "query " + i);
        }
        // Upward requests are the negation of downward ones.
        float[] up = backward.noise(sigmas[2], sigmas[1]).toFloatArray();
        for (int i = 0; i < up.length; i++) {
            assertEquals(-f[1][i], up[i]);
        }
    }

    @Test
    void incrementsAddUpOverAdjacentIntervals() {
        BrownianTree tree = new BrownianTree(0.029167533, 14.614643096923828, 99, new int[] {4, 4}, RngSource.CPU.factory());
        float[] ab = tree.increment(1.0, 2.0);
        float[] bc = tree.increment(2.0, 3.5);
        float[] ac = tree.increment(1.0, 3.5);
        for (int i = 0; i < ac.length; i++) {
            assertEquals(ab[i] + bc[i], ac[i], 1e-5f);
        }
        assertArrayEquals(new float[16], tree.increment(2.0, 2.0));
        // Queries outside the root are clamped to it, as torchsde does.
        assertArrayEquals(tree.increment(0.029168, 1.0), tree.increment(0.0, 1.0));
        assertThrows(IllegalArgumentException.class, () -> tree.increment(3.0, 2.0));
    }

    @Test
    void normalisedIncrementsLookStandardNormal() {
        float[] sigmas = {14.614643f, 7f, 3f, 1f, 0.029167533f};
        var ns = BrownianTreeNoiseSampler.forSchedule(new int[] {4, 32, 32}, sigmas, new long[] {1}, RngSource.CPU.factory());
        for (int i = 0; i < sigmas.length - 1; i++) {
            float[] n = ns.noise(sigmas[i], sigmas[i + 1]).toFloatArray();
            double sum = 0;
            double sq = 0;
            for (float v : n) {
                sum += v;
                sq += v * v;
            }
            double mean = sum / n.length;
            double var = sq / n.length - mean * mean;
            assertTrue(Math.abs(mean) < 0.05 && Math.abs(var - 1) < 0.07, "step " + i + ": mean " + mean + " var " + var);
        }
    }

    @Test
    void roundingFollowsPython() {
        assertEquals(14.614643, BrownianTree.round(14.614643096923828));
        assertEquals(0.029168, BrownianTree.round(0.029167533));
        // Decided by the exact binary value (Python round), not by the decimal literal:
        assertEquals(3e-6, BrownianTree.round(0.0000025));
        assertEquals(0.123456, BrownianTree.round(0.1234565));
        assertEquals(7.000008, BrownianTree.round(7.0000085));
        assertEquals(1.000001, BrownianTree.round(1.0000005));
        assertEquals(2.5, BrownianTree.round(2.5));
    }

    @Test
    void badArgumentsAreRejected() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new BrownianTreeNoiseSampler(new int[] {4, 8, 8}, 0f, 14f, new long[] {1}, RngSource.CPU.factory()));
        assertTrue(e.getMessage().contains("sigma_min"), e.getMessage());
        var ns = new BrownianTreeNoiseSampler(new int[] {4, 8, 8}, 0.03f, 14f, new long[] {1}, RngSource.CPU.factory());
        assertThrows(IllegalArgumentException.class, () -> ns.noise(1f, 1f));
    }
}
