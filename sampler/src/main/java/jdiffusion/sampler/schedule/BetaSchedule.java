package jdiffusion.sampler.schedule;

import org.apache.commons.math3.special.Beta;

/**
 * The webui v1.10.1 "Beta" scheduler ("Beta Sampling is All You Need"):
 * {@code σ_k = σmin + ppf(1 − k/(n−1))·(σmax − σmin)} with the Beta(α, β) quantile function, in double,
 * then float32. The quantile inverts Commons Math's regularized incomplete beta by bisection to double
 * resolution (scipy's {@code beta.ppf} is accurate to about the same).
 */
final class BetaSchedule {
    private BetaSchedule() {
    }

    static float[] sigmas(int n, double sigmaMin, double sigmaMax, double alpha, double beta) {
        float[] out = new float[n + 1];
        for (int k = 0; k < n; k++) {
            // numpy: timesteps = 1 - linspace(0, 1, n)
            double x = 1 - (n == 1 ? 0 : (k == n - 1 ? 1.0 : k * (1.0 / (n - 1))));
            out[k] = (float) (sigmaMin + quantile(x, alpha, beta) * (sigmaMax - sigmaMin));
        }
        return out;
    }

    /** Inverse of the regularized incomplete beta function I_x(α, β) for p in [0, 1]. */
    static double quantile(double p, double alpha, double beta) {
        if (p <= 0) {
            return 0;
        }
        if (p >= 1) {
            return 1;
        }
        double lo = 0;
        double hi = 1;
        for (int it = 0; it < 200 && hi - lo > 0; it++) {
            double mid = 0.5 * (lo + hi);
            if (mid == lo || mid == hi) {
                break;
            }
            if (Beta.regularizedBeta(mid, alpha, beta, 1e-16, Integer.MAX_VALUE) < p) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return 0.5 * (lo + hi);
    }
}
