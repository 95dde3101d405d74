package jdiffusion.sd.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Spec img2img.md §8 check 1: the t_enc table, with and without "do exactly the amount of steps". */
class Img2ImgStepsTest {

    private static void check(int n, double d, boolean fix, int stepsPrime, int tEnc) {
        Img2ImgSteps s = Img2ImgSteps.of(n, d, fix);
        assertEquals(stepsPrime, s.stepsPrime(), "steps' for N=" + n + ", d=" + d + ", fix=" + fix);
        assertEquals(tEnc, s.tEnc(), "t_enc for N=" + n + ", d=" + d + ", fix=" + fix);
    }

    @Test
    void webuiTable() {
        check(20, 0.75, false, 20, 15);
        check(20, 0.5, false, 20, 10);
        check(20, 1.0, false, 20, 19);
        check(20, 0.0, false, 20, 0);
        check(100, 0.29, false, 100, 28); // 0.29·100 = 28.999999999999996
        check(100, 0.57, false, 100, 56);
        check(100, 0.58, false, 100, 57);
        check(10, 0.7, false, 10, 7);
        check(20, 0.75, true, 26, 19);
        check(20, 0.3, true, 66, 19);
        check(20, 0.0, true, 0, 19);
    }

    @Test
    void rejectsStrengthOutsideTheRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Img2ImgSteps.of(20, 1.3, false));
        assertEquals("Denoising strength must be within [0, 1], got 1.3", e.getMessage());
    }
}
