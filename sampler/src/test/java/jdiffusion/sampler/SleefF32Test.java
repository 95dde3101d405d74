package jdiffusion.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * SLEEF's u10 functions are within one ulp of the exact result: checked against double-precision
 * StrictMath on random arguments over the ranges the samplers and schedules use, plus special values.
 * (Bit-exactness with PyTorch is checked by the schedule and sampler fixture tests.)
 */
class SleefF32Test {
    private static final int N = 50_000;

    private interface F {
        float apply(float x);
    }

    private interface D {
        double apply(double x);
    }

    private static void withinOneUlp(String name, F f, D ref, float lo, float hi) {
        SplittableRandom r = new SplittableRandom(7);
        int exact = 0;
        for (int i = 0; i < N; i++) {
            float x = (float) (lo + (hi - lo) * r.nextDouble());
            float got = f.apply(x);
            double want = ref.apply(x);
            float rounded = (float) want;
            assertTrue(Ulp.distance(rounded, got) <= 1, name + "(" + x + ") = " + got + ", exact " + want);
            if (rounded == got) {
                exact++;
            }
        }
        assertTrue(exact > N * 8 / 10, name + ": only " + exact + " of " + N + " correctly rounded");
    }

    @Test
    void expLogExpm1() {
        withinOneUlp("exp", SleefF32::exp, StrictMath::exp, -87f, 88f);
        withinOneUlp("log", SleefF32::log, StrictMath::log, 1e-30f, 1e4f);
        withinOneUlp("log near 1", SleefF32::log, StrictMath::log, 0.5f, 2f);
        withinOneUlp("expm1", SleefF32::expm1, StrictMath::expm1, -20f, 20f);
        withinOneUlp("expm1 small", SleefF32::expm1, StrictMath::expm1, -1e-3f, 1e-3f);
        withinOneUlp("tan", SleefF32::tan, StrictMath::tan, 0f, 1.56f);
        withinOneUlp("atan", SleefF32::atan, StrictMath::atan, 0f, 1000f);
        withinOneUlp("pow7", x -> SleefF32.pow(x, 7f), x -> StrictMath.pow(x, 7), 0.3f, 2f);
        withinOneUlp("pow(2, y)", y -> SleefF32.pow(2f, y), y -> StrictMath.pow(2, y), -20f, 20f);
    }

    @Test
    void specialValues() {
        assertEquals(1f, SleefF32.exp(0f));
        assertEquals(0f, SleefF32.exp(-200f));
        assertEquals(Float.POSITIVE_INFINITY, SleefF32.exp(200f));
        assertEquals(Float.NEGATIVE_INFINITY, SleefF32.log(0f));
        assertTrue(Float.isNaN(SleefF32.log(-1f)));
        assertEquals(Float.POSITIVE_INFINITY, SleefF32.log(Float.POSITIVE_INFINITY));
        assertEquals(0f, SleefF32.log(1f));
        assertEquals(-1f, SleefF32.expm1(Float.NEGATIVE_INFINITY));
        assertEquals(-0.0f, SleefF32.expm1(-0.0f));
        assertEquals(1f, SleefF32.pow(0.3f, 0f));
        assertEquals(-8f, SleefF32.pow(-2f, 3f));
        assertTrue(Float.isNaN(SleefF32.pow(-2f, 0.5f)));
        assertEquals(0f, SleefF32.pow(0f, 2f));
        assertEquals(Float.POSITIVE_INFINITY, SleefF32.pow(0f, -1f));
        assertEquals((float) (Math.PI / 2), SleefF32.atan(Float.POSITIVE_INFINITY));
        assertEquals(-SleefF32.atan(3f), SleefF32.atan(-3f));
        // tiny (subnormal) arguments of log take the rescaled path
        assertTrue(Ulp.distance((float) StrictMath.log(1e-40f), SleefF32.log(1e-40f)) <= 1);
    }
}
