package jdiffusion.sampler.rng;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import jdiffusion.sampler.Ulp;
import org.junit.jupiter.api.Test;

/**
 * The Vector API Box–Muller against its scalar twin (bit for bit) on random 24-bit uniforms and the
 * edge values (u = 0 gives log 1 = 0; u = 1 − 2^-24 the smallest u1), and both against a double-precision
 * Box–Muller (the Cephes polynomials are accurate to a few float ulps).
 */
class Avx2BoxMullerTest {

    @Test
    void vectorLanesEqualTheScalarKernel() {
        SplittableRandom r = new SplittableRandom(1);
        for (int trial = 0; trial < 2000; trial++) {
            float[] a = new float[16];
            for (int i = 0; i < 16; i++) {
                a[i] = (r.nextInt() & 0xFFFFFF) * 0x1p-24f;
            }
            if (trial == 0) {
                a[0] = 0f;
                a[1] = 1f - 0x1p-24f;
                a[8] = 0f;
                a[9] = 1f - 0x1p-24f;
            }
            float[] s = a.clone();
            float[] v = a.clone();
            Avx2BoxMuller.fill16(s, 0);
            Avx2BoxMullerVector.fill16(v, 0);
            assertEquals(0, Ulp.mismatches(s, v), "trial " + trial);
            for (int j = 0; j < 8; j++) {
                double radius = Math.sqrt(-2 * Math.log(1 - (double) a[j]));
                double theta = 2 * Math.PI * a[j + 8];
                assertEquals(radius * Math.cos(theta), s[j], 2e-6 * Math.max(1, radius), "cos lane " + j);
                assertEquals(radius * Math.sin(theta), s[j + 8], 2e-6 * Math.max(1, radius), "sin lane " + j);
            }
        }
    }
}
