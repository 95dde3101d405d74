package jdiffusion.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import jdk.incubator.vector.FloatVector;
import org.apache.commons.math3.special.Erf;
import org.junit.jupiter.api.Test;

/** The float erf against commons-math's double-precision erf: max absolute error, vector == scalar bits. */
class ErfTest {

    @Test
    void within2e7AndVectorMatchesScalar() {
        Random r = new Random(7);
        var sp = FloatVector.SPECIES_PREFERRED;
        float[] x = new float[1 << 19];
        for (int i = 0; i < x.length; i++) {
            x[i] = (r.nextFloat() * 2 - 1) * (i % 3 == 0 ? 1.2f : 6f);
        }
        float[] y = new float[sp.length()];
        double worst = 0;
        float worstAt = 0;
        for (int i = 0; i < x.length; i += sp.length()) {
            ErfF.erf(FloatVector.fromArray(sp, x, i)).intoArray(y, 0);
            for (int l = 0; l < sp.length(); l++) {
                float s = ErfF.erf(x[i + l]);
                assertEquals(Float.floatToRawIntBits(s), Float.floatToRawIntBits(y[l]), "vector vs scalar at " + x[i + l]);
                double e = Math.abs(s - Erf.erf((double) x[i + l]));
                if (e > worst) {
                    worst = e;
                    worstAt = x[i + l];
                }
            }
        }
        assertTrue(worst <= 2e-7, "max abs error " + worst + " at " + worstAt);
    }

    @Test
    void edges() {
        assertEquals(0f, ErfF.erf(0f));
        assertEquals(1f, ErfF.erf(10f));
        assertEquals(-1f, ErfF.erf(-10f));
        assertEquals(1f, ErfF.erf(Float.POSITIVE_INFINITY));
        assertEquals(-1f, ErfF.erf(Float.NEGATIVE_INFINITY));
        assertTrue(Float.isNaN(ErfF.erf(Float.NaN)));
        assertTrue(ErfF.erf(1e-30f) > 0);
    }
}
