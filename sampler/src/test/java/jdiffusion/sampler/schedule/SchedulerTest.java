package jdiffusion.sampler.schedule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdiffusion.sampler.F32;
import jdiffusion.sampler.Ulp;
import org.junit.jupiter.api.Test;

/** Schedulers without fixtures: expected values from numpy 2.4 / scipy 1.17 running the webui's code. */
class SchedulerTest {
    private static final DiscreteSchedule SD = DiscreteSchedule.stableDiffusion();

    private static void assertWithinUlps(float[] expected, float[] actual, int ulps) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Ulp.distance(expected[i], actual[i]) <= ulps,
                    "[" + i + "] " + actual[i] + " vs " + expected[i]);
        }
    }

    @Test
    void alignYourStepsTableAndInterpolation() {
        float[] ten = Scheduler.ALIGN_YOUR_STEPS.sigmas(11, SD, SchedulerOptions.DEFAULTS);
        assertArrayEquals(new float[] {14.615f, 6.475f, 3.861f, 2.697f, 1.886f, 1.396f, 0.963f, 0.652f, 0.399f,
            0.152f, 0.029f, 0f}, ten);
        assertWithinUlps(new float[] {14.615f, 9.521713f, 6.30118f, 4.800019f, 3.717901f, 3.0781367f, 2.5489054f,
            2.1115248f, 1.770252f, 1.5110146f, 1.266044f, 1.0412993f, 0.8514091f, 0.6934124f, 0.5440925f,
            0.4201679f, 0.26576477f, 0.1599201f, 0.06935114f, 0.029f, 0f},
                Scheduler.ALIGN_YOUR_STEPS.sigmas(20, SD, SchedulerOptions.DEFAULTS), 1);
        assertWithinUlps(new float[] {14.615f, 4.4781175f, 1.8550457f, 0.862f, 0.43114173f, 0.1835848f, 0.029f, 0f},
                Scheduler.ALIGN_YOUR_STEPS.sigmas(7, SD, SchedulerOptions.DEFAULTS.withSdxl(true)), 1);
    }

    @Test
    void betaMatchesScipyPpf() {
        assertWithinUlps(new float[] {14.614642f, 13.927786f, 12.490981f, 10.597609f, 8.442437f, 6.201372f,
            4.046201f, 2.1528287f, 0.71602404f, 0.029167533f, 0f},
                Scheduler.BETA.sigmas(10, SD, SchedulerOptions.DEFAULTS), 1);
        var skewed = new SchedulerOptions(0, 0, 0, false, false, false, 2.0, 0.5);
        assertWithinUlps(new float[] {14.614642f, 14.201734f, 12.855418f, 10.07529f, 0.029167533f, 0f},
                Scheduler.BETA.sigmas(5, SD, skewed), 1);
    }

    @Test
    void optionsOverrideTheRangeAndRho() {
        var opts = new SchedulerOptions(0.5, 10, 3, false, false, false, 0.6, 0.6);
        float[] k = Scheduler.KARRAS.sigmas(4, SD, opts);
        assertEquals(10f, k[0], 1e-5f);
        assertEquals(0.5f, k[3], 1e-6f);
        // rho 3: the middle values follow (10^(1/3) + r (0.5^(1/3) - 10^(1/3)))^3
        double a = Math.cbrt(10);
        double b = Math.cbrt(0.5);
        assertEquals(Math.pow(a + (b - a) / 3, 3), k[1], 1e-5);
        // rho only applies to schedulers that have one; ranges to all formula schedulers.
        float[] e = Scheduler.EXPONENTIAL.sigmas(3, SD, opts);
        assertEquals(10f, e[0], 1e-5f);
        assertEquals(0.5f, e[2], 1e-6f);
        var old = new SchedulerOptions(0, 0, 0, true, false, false, 0.6, 0.6);
        float[] ko = Scheduler.KARRAS.sigmas(5, SD, old);
        assertEquals(10f, ko[0], 1e-5f);
        assertEquals(0.1f, ko[4], 1e-6f);
    }

    @Test
    void klOptimalEndsAtSigmaMinWithoutZero() {
        float[] kl = Scheduler.KL_OPTIMAL.sigmas(10, SD, SchedulerOptions.DEFAULTS);
        assertEquals(11, kl.length);
        assertTrue(Ulp.distance(SD.sigmaMin(), kl[10]) <= 1);
        // tan amplifies the float32 rounding of atan(14.6) ~200-fold: the first value is only close to sigma_max.
        assertEquals(SD.sigmaMax(), kl[0], 2e-5 * SD.sigmaMax());
    }

    @Test
    void ddimMayGiveMoreValuesThanSteps() {
        assertEquals(32, Scheduler.DDIM.sigmas(30, SD, SchedulerOptions.DEFAULTS).length);
        assertEquals(1000, Scheduler.DDIM.sigmas(2000, SD, SchedulerOptions.DEFAULTS).length);
    }

    @Test
    void zeroTerminalSnr() {
        DiscreteSchedule z = SD.zeroTerminalSnr();
        assertEquals(DiscreteSchedule.ZERO_SNR_LAST_ALPHA_BAR, z.alphaCumprod(999));
        assertTrue(Ulp.distance(SD.alphaCumprod(0), z.alphaCumprod(0)) <= 2);
        // sqrt(abar) is an affine image of the original: equal steps map to equal steps.
        double r0 = Math.sqrt(SD.alphaCumprod(0));
        double rT = Math.sqrt(SD.alphaCumprod(999));
        for (int t : new int[] {1, 250, 500, 998}) {
            double expected = (Math.sqrt(SD.alphaCumprod(t)) - rT) * r0 / (r0 - rT);
            assertEquals(expected * expected, z.alphaCumprod(t), 1e-6);
        }
        assertTrue(z.sigmaMax() > 4000);
    }

    @Test
    void namesAndErrors() {
        assertEquals(Scheduler.SGM_UNIFORM, Scheduler.byName("SGMUniform"));
        assertEquals(Scheduler.SGM_UNIFORM, Scheduler.byName("sgm_uniform"));
        assertEquals(Scheduler.KL_OPTIMAL, Scheduler.byName("KL Optimal"));
        var e = assertThrows(IllegalArgumentException.class, () -> Scheduler.byName("cosine"));
        assertTrue(e.getMessage().contains("cosine") && e.getMessage().contains("Karras"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Scheduler.KARRAS.sigmas(0, SD, SchedulerOptions.DEFAULTS));
        assertThrows(IllegalStateException.class, () -> Scheduler.AUTOMATIC.sigmas(5, SD, SchedulerOptions.DEFAULTS));
        assertThrows(IllegalArgumentException.class, () -> SD.tToSigma(1000.5f));
        assertThrows(IllegalArgumentException.class, () -> DiscreteSchedule.fromAlphasCumprod(new float[] {0.9f, 0.95f}));
        assertThrows(IllegalArgumentException.class, () -> DiscreteSchedule.fromAlphasCumprod(new float[] {0.9f, 0f}));
        assertThrows(IllegalArgumentException.class, () -> new SchedulerOptions(-1, 0, 0, false, false, false, 0.6, 0.6));
    }

    @Test
    void linspaceCountsFromBothEnds() {
        float[] r = F32.linspace(0f, 1f, 10);
        assertEquals(0f, r[0]);
        assertEquals(1f, r[9]);
        // index 6 counts down from the end with one rounding: fma(-1/9, 3, 1) = 0.6666667f
        assertEquals(0.6666667f, r[6]);
        double[] d = F32.linspace(0.0, 1.0, 1000);
        assertEquals(1.0, d[999]);
        assertEquals(0.5005005005005005, d[500], 1e-15);
        assertEquals(0, F32.linspace(0f, 1f, 0).length);
        assertArrayEquals(new float[] {3f}, F32.linspace(3f, 5f, 1));
    }
}
