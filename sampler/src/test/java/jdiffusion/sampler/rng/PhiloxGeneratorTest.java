package jdiffusion.sampler.rng;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** Reference values of the webui's rng_philox.Generator (spec §6.4 / §10 "NV RNG"). */
class PhiloxGeneratorTest {

    @Test
    void seedZeroFirstAndSecondCall() {
        PhiloxGenerator g = new PhiloxGenerator(0);
        assertArrayEquals(new float[] {-0.9246624f, -0.42534396f, -2.6438458f, 0.14518388f, -0.12086651f,
            -0.5797257f, -0.6228513f, -0.32838714f, -1.074542f, -0.3631441f, -1.6710504f, 2.265505f}, g.randn(3, 4));
        assertArrayEquals(new float[] {0.18082589f, -0.5522627f, 0.9238134f, -0.73497033f}, g.randn(2, 2));
    }

    @Test
    void seed1234() {
        assertArrayEquals(new float[] {-1.6164904f, 0.5684552f, -0.5102246f, -0.9113394f, -1.1555171f,
            -0.22615087f, -1.2891325f, 1.0653822f}, new PhiloxGenerator(1234).randn(8));
    }
}
