package jdiffusion.sampler.timesteps;

/**
 * Gaussian data N(c, s²·I): the exact noise prediction at noise level ᾱ, the reference for the timestep
 * samplers' convergence tests (their exact solution is known in closed form).
 */
final class GaussianData {
    /** s² of the data. */
    static final double S2 = 0.25;

    private GaussianData() {
    }

    /** E[ε | x_t] for x_t = √ᾱ·x0 + √(1 − ᾱ)·ε, x0 ~ N(c, s²). */
    static float[] eps(float[] x, float[] c, double alphaBar) {
        double sa = Math.sqrt(alphaBar);
        float[] e = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            double x0 = c[i] + S2 * sa / (alphaBar * S2 + 1 - alphaBar) * (x[i] - sa * c[i]);
            e[i] = (float) ((x[i] - sa * x0) / Math.sqrt(1 - alphaBar));
        }
        return e;
    }

    /**
     * Max |out − exact| where exact is the probability-flow ODE solution from x (at ᾱ = aStart) to
     * ᾱ = aEnd: in k-diffusion coordinates x/√ᾱ − c scales with sqrt((s² + σ²)/(s² + σ0²)), σ² = (1 − ᾱ)/ᾱ.
     */
    static double maxError(float[] out, float[] x, float[] c, double aStart, double aEnd) {
        double s0 = (1 - aStart) / aStart;
        double s1 = (1 - aEnd) / aEnd;
        double max = 0;
        for (int i = 0; i < x.length; i++) {
            double xk = x[i] / Math.sqrt(aStart);
            double exact = Math.sqrt(aEnd) * (c[i] + (xk - c[i]) * Math.sqrt((S2 + s1) / (S2 + s0)));
            max = Math.max(max, Math.abs(out[i] - exact));
        }
        return max;
    }
}
