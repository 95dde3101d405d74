package jdiffusion.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** The fast exp against Math.exp in double: max ulp error, vector == scalar bits, edge cases. */
class ExpTest {

    private static double ulpError(float y, double exact) {
        return Math.abs(y - exact) / Math.ulp((float) exact);
    }

    @Test
    void withinOneUlpAndVectorMatchesScalar() {
        Random r = new Random(42);
        int lanes = FloatVector.SPECIES_PREFERRED.length();
        float[] x = new float[1 << 20];
        for (int i = 0; i < x.length; i++) {
            x[i] = i % 4 == 0 ? (r.nextFloat() * 2 - 1) * 0.5f : Exp.LO + r.nextFloat() * (Exp.HI - Exp.LO);
        }
        float[] y = new float[lanes];
        double worst = 0;
        float worstAt = 0;
        for (int i = 0; i < x.length; i += lanes) {
            Exp.exp(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, x, i)).intoArray(y, 0);
            for (int l = 0; l < lanes; l++) {
                float s = Exp.exp(x[i + l]);
                assertEquals(Float.floatToRawIntBits(s), Float.floatToRawIntBits(y[l]), "vector vs scalar at " + x[i + l]);
                double e = ulpError(s, Math.exp(x[i + l]));
                if (e > worst) {
                    worst = e;
                    worstAt = x[i + l];
                }
            }
        }
        assertTrue(worst <= 1.0, "max error " + worst + " ulp at x=" + worstAt);
    }

    @Test
    void edgeCases() {
        assertEquals(1f, Exp.exp(0f));
        assertEquals(1f, Exp.exp(-0f));
        assertEquals(0f, Exp.exp(Float.NEGATIVE_INFINITY));
        assertEquals(0f, Exp.exp(-100f));
        assertEquals(Float.POSITIVE_INFINITY, Exp.exp(100f));
        assertEquals(Float.POSITIVE_INFINITY, Exp.exp(Float.POSITIVE_INFINITY));
        assertTrue(Float.isNaN(Exp.exp(Float.NaN)));
        float[] x = new float[FloatVector.SPECIES_PREFERRED.length()];
        x[0] = Float.NaN;
        x[1] = Float.NEGATIVE_INFINITY;
        x[2] = Float.POSITIVE_INFINITY;
        x[3] = -100f;
        float[] y = new float[x.length];
        Exp.exp(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, x, 0)).intoArray(y, 0);
        assertTrue(Float.isNaN(y[0]));
        assertEquals(0f, y[1]);
        assertEquals(Float.POSITIVE_INFINITY, y[2]);
        assertEquals(0f, y[3]);
        assertEquals(1f, y[4]);
    }
}
