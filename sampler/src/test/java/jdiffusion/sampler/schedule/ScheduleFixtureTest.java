package jdiffusion.sampler.schedule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import jdiffusion.sampler.Fixtures;
import jdiffusion.sampler.Ulp;
import org.junit.jupiter.api.Test;

/**
 * testdata/schedules/sigmas.safetensors. The fixtures' tolerance is 1 float32 ulp per value; with
 * PyTorch's SLEEF functions and linspace kernel reproduced, every value is in fact bit-identical, and the
 * tests hold us to that.
 */
class ScheduleFixtureTest {
    private static final int[] STEPS = {1, 2, 3, 10, 20, 30};
    private static final DiscreteSchedule SD = DiscreteSchedule.stableDiffusion();

    /** Max ulp distance and the number of values that are not bit-identical. */
    private static long[] compare(float[] expected, float[] actual, String name, List<String> failures) {
        if (expected.length != actual.length) {
            failures.add(name + ": length " + actual.length + ", expected " + expected.length);
            return new long[] {Long.MAX_VALUE, expected.length};
        }
        long max = Ulp.maxDistance(expected, actual);
        if (max > 1) {
            failures.add(name + ": " + max + " ulp");
        }
        return new long[] {max, Ulp.mismatches(expected, actual)};
    }

    @Test
    void alphasCumprodAndModelSigmasAreExact() {
        try (Fixtures f = Fixtures.open("schedules/sigmas.safetensors")) {
            assertEquals(0, Ulp.mismatches(f.floats("alphas_cumprod"), SD.alphasCumprod()));
            assertEquals(0, Ulp.mismatches(f.floats("model_sigmas"), SD.sigmas()));
            // PyTorch's log of the table is SLEEF's (11 of 1000 values one ulp away from correctly rounded).
            assertEquals(0, Ulp.mismatches(f.floats("model_log_sigmas"), SD.logSigmas()));
        }
    }

    @Test
    void sigmaToTAndBack() {
        try (Fixtures f = Fixtures.open("schedules/sigmas.safetensors")) {
            float[] s = f.floats("sigma_to_t.sigma");
            float[] t = f.floats("sigma_to_t.t");
            for (int i = 0; i < s.length; i++) {
                assertEquals(t[i], SD.sigmaToT(s[i]), "sigma_to_t(" + s[i] + ") = "
                        + SD.sigmaToT(s[i]) + ", expected " + t[i]);
            }
            float[] tt = f.floats("t_to_sigma.t");
            float[] ss = f.floats("t_to_sigma.sigma");
            for (int i = 0; i < tt.length; i++) {
                assertEquals(ss[i], SD.tToSigma(tt[i]), "t_to_sigma(" + tt[i] + ") = "
                        + SD.tToSigma(tt[i]) + ", expected " + ss[i]);
            }
        }
    }

    @Test
    void everyFixtureScheduleWithinOneUlp() {
        List<String> failures = new ArrayList<>();
        long values = 0;
        long exact = 0;
        try (Fixtures f = Fixtures.open("schedules/sigmas.safetensors")) {
            for (Scheduler s : new Scheduler[] {Scheduler.UNIFORM, Scheduler.KARRAS, Scheduler.EXPONENTIAL,
                Scheduler.POLYEXPONENTIAL, Scheduler.NORMAL, Scheduler.SGM_UNIFORM, Scheduler.SIMPLE,
                Scheduler.KL_OPTIMAL, Scheduler.DDIM}) {
                for (int n : STEPS) {
                    String name = s.id() + ".steps" + n;
                    float[] expected = f.floats(name);
                    long[] r = compare(expected, s.sigmas(n, SD, SchedulerOptions.DEFAULTS), name, failures);
                    values += expected.length;
                    exact += expected.length - r[1];
                }
            }
            for (int n : STEPS) {
                String name = "karras.steps" + n + ".discard_penultimate";
                float[] expected = f.floats(name);
                float[] actual = Scheduler.discardPenultimate(Scheduler.KARRAS.sigmas(n + 1, SD, SchedulerOptions.DEFAULTS));
                long[] r = compare(expected, actual, name, failures);
                values += expected.length;
                exact += expected.length - r[1];
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        System.out.printf("schedules: %d of %d values bit-identical%n", exact, values);
        assertEquals(values, exact, "values not bit-identical (all within 1 ulp)");
    }

    @Test
    void specReferenceValues() {
        float[] karras = Scheduler.KARRAS.sigmas(20, SD, SchedulerOptions.DEFAULTS);
        assertEquals(21, karras.length);
        assertEquals(14.614643f, karras[0], 1e-6f);
        assertEquals(0.029168f, karras[19], 1e-6f);
        assertEquals(0f, karras[20]);
        assertEquals(14.614642143f, SD.sigmaMax(), 1e-6f);
        assertEquals(999f, SD.sigmaToT(SD.sigmaMax()));
        assertEquals(0f, SD.sigmaToT(SD.sigmaMin()));
        // Outside the table: clamped.
        assertEquals(999f, SD.sigmaToT(100f));
        assertEquals(0f, SD.sigmaToT(0.001f));
        float[] dpm2 = Scheduler.discardPenultimate(Scheduler.KARRAS.sigmas(21, SD, SchedulerOptions.DEFAULTS));
        assertEquals(21, dpm2.length);
        assertEquals(11.85719f, dpm2[1], 2e-5f);
        assertEquals(0.047306f, dpm2[19], 1e-6f);
    }
}
