package jdiffusion.sampler.lcm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdiffusion.sampler.SamplingContext;
import jdiffusion.sampler.cfg.Conditioning;
import jdiffusion.sampler.schedule.DiscreteSchedule;
import jdiffusion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The LCM schedule, timesteps and boundary-condition scalings (spec §7.6), against direct formulas. */
class LcmTest {
    private static final DiscreteSchedule SD = DiscreteSchedule.stableDiffusion();
    private static final LcmDenoiser LCM = new LcmDenoiser(SD);

    @Test
    void tableTimestepsAndDefaultSchedule() {
        for (int k = 0; k < 50; k++) {
            assertEquals(SD.alphaCumprod(19 + 20 * k), LCM.table().alphaCumprod(k));
            assertEquals(19 + 20 * k, LCM.timestep(LCM.table().sigma(k)));
        }
        float[] s = LCM.sigmas(4);
        assertEquals(5, s.length);
        assertEquals(LCM.table().sigmaMax(), s[0], 1e-6f * s[0]);   // t = 999 -> index 49
        assertEquals(LCM.table().sigmaMin(), s[3], 1e-6f);           // t = 19 -> index 0
        assertEquals(0f, s[4]);
        // t = 999 - 980/3 = 672.33 -> index 32.67: between table entries 32 and 33, log-linearly.
        double w = (672.3333 - 19) / 20 - 32;
        double expected = Math.exp((1 - w) * Math.log(LCM.table().sigma(32)) + w * Math.log(LCM.table().sigma(33)));
        assertEquals(expected, s[1], 1e-4 * expected);
        // the UNet timesteps at the ends are the original timesteps 999 and 19
        assertEquals(999, LCM.timestep(s[0]));
        assertEquals(19, LCM.timestep(s[3]));
    }

    @Test
    void boundaryConditionScalings() {
        float[] x = {0.8f, -1.2f};
        float[] eps = {0.1f, 0.3f};
        float sigma = LCM.table().sigma(20);
        Tensor d = LCM.denoise((xi, t, c) -> {
            assertEquals(419f, t[0]);
            return Tensor.of(eps.clone(), 1, 1, 1, 2);
        }, Tensor.of(x.clone(), 1, 1, 1, 2), new float[] {sigma}, Conditioning.of(Tensor.zeros(1, 2, 3)));
        double s = 4190;
        for (int i = 0; i < 2; i++) {
            double x0 = x[i] - sigma * eps[i];
            double expected = s / Math.sqrt(s * s + 0.25) * x0 + 0.25 / (s * s + 0.25) * x[i];
            assertEquals(expected, d.getFlat(i), 1e-6);
        }
    }

    @Test
    void samplerJumpsToDenoisedAndRenoises() {
        float[] sigmas = {4f, 2f, 0f};
        int[] draws = {0};
        SamplingContext ctx = SamplingContext.of((x, s) -> Tensor.full(0.5f, x.shape()), () -> {
            draws[0]++;
            return Tensor.full(1f, 1, 1, 1, 2);
        });
        float[] out = new LcmSampler().sample(Tensor.zeros(1, 1, 1, 2), sigmas, ctx).toFloatArray();
        assertArrayEquals(new float[] {0.5f, 0.5f}, out);
        assertEquals(1, draws[0]);
        assertTrue(ctx.modelCalls() == 2);
    }
}
