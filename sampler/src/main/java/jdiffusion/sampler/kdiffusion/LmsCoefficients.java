package jdiffusion.sampler.kdiffusion;

/**
 * k-diffusion {@code linear_multistep_coeff(order, t, i, j)}: the integral over [t_i, t_{i+1}] of the
 * Lagrange basis polynomial of node t_{i−j} among t_i … t_{i−order+1}.
 *
 * <p>The reference integrates numerically ({@code scipy.integrate.quad}, a 21-point Gauss–Kronrod rule);
 * the integrand is a polynomial of degree order − 1 ≤ 3, so both quad and the 4-point Gauss–Legendre rule
 * used here are exact up to rounding (agreement ~1e-16 relative). Arithmetic follows the reference's
 * numpy types (numpy 1.x): t holds the float32 sigmas, a node difference {@code t[a] − t[b]} is a float32
 * subtraction, everything else is float64.
 */
public final class LmsCoefficients {
    /** Gauss–Legendre nodes and weights on [−1, 1], exact for polynomials of degree ≤ 7. */
    private static final double[] NODES;
    private static final double[] WEIGHTS;

    static {
        double a = Math.sqrt(3.0 / 7 - 2.0 / 7 * Math.sqrt(6.0 / 5));
        double b = Math.sqrt(3.0 / 7 + 2.0 / 7 * Math.sqrt(6.0 / 5));
        double wa = (18 + Math.sqrt(30)) / 36;
        double wb = (18 - Math.sqrt(30)) / 36;
        NODES = new double[] {-b, -a, a, b};
        WEIGHTS = new double[] {wb, wa, wa, wb};
    }

    private LmsCoefficients() {
    }

    /** Coefficient of d_{i−j} for a step of the given order. */
    public static double coefficient(int order, float[] t, int i, int j) {
        if (order < 1 || order > 4) {
            throw new IllegalArgumentException("LMS order must be 1..4 (exact quadrature), got " + order);
        }
        if (order - 1 > i) {
            throw new IllegalArgumentException("LMS order " + order + " too high for step " + i);
        }
        if (j < 0 || j >= order || i + 1 >= t.length) {
            throw new IllegalArgumentException("LMS coefficient j=" + j + " at step " + i + " of " + (t.length - 1));
        }
        double lo = t[i];
        double hi = t[i + 1];
        double half = (hi - lo) / 2;
        double mid = (hi + lo) / 2;
        double sum = 0;
        for (int q = 0; q < NODES.length; q++) {
            double tau = mid + half * NODES[q];
            double prod = 1;
            for (int k = 0; k < order; k++) {
                if (k != j) {
                    prod *= (tau - t[i - k]) / (double) (t[i - j] - t[i - k]);
                }
            }
            sum += WEIGHTS[q] * prod;
        }
        return sum * half;
    }

    /** All coefficients of step i (j = 0 is the newest derivative). */
    public static double[] coefficients(int order, float[] t, int i) {
        double[] c = new double[order];
        for (int j = 0; j < order; j++) {
            c[j] = coefficient(order, t, i, j);
        }
        return c;
    }
}
