package jdiffusion.sampler.timesteps;

import jdiffusion.sampler.schedule.DiscreteSchedule;

/**
 * The discrete VP noise schedule UniPC solves on ({@code NoiseScheduleVP('discrete')} in the webui's
 * {@code uni_pc.py}): training step n sits at continuous time t_n = (n + 1)/N, log α(t) is the
 * piecewise-linear interpolation of ½·ln ᾱ_n over those points (extrapolated linearly beyond them),
 * σ(t) = sqrt(1 − α²), λ(t) = ln α − ln σ (half the log-SNR). Scalars are double here; the webui
 * computes them in float32, so values agree to about 1e-7 relative.
 */
final class VpSchedule {
    private final double[] logAlpha;
    private final int n;

    VpSchedule(DiscreteSchedule schedule) {
        float[] ac = schedule.alphasCumprod();
        n = ac.length;
        logAlpha = new double[n];
        for (int i = 0; i < n; i++) {
            logAlpha[i] = 0.5 * Math.log(ac[i]);
        }
    }

    /** N, the number of training steps (1000). */
    int totalN() {
        return n;
    }

    double logAlpha(double t) {
        double pos = t * n - 1;   // fractional index of t among t_n = (n + 1)/N
        int i = (int) Math.floor(pos);
        i = Math.max(0, Math.min(n - 2, i));
        double frac = pos - i;
        return logAlpha[i] + frac * (logAlpha[i + 1] - logAlpha[i]);
    }

    double alpha(double t) {
        return Math.exp(logAlpha(t));
    }

    double sigma(double t) {
        return Math.sqrt(1 - Math.exp(2 * logAlpha(t)));
    }

    double lambda(double t) {
        double la = logAlpha(t);
        return la - 0.5 * Math.log(1 - Math.exp(2 * la));
    }

    /** The time whose λ is {@code lambda}: log α from λ, then the interpolation read backwards. */
    double inverseLambda(double lambda) {
        double la = -0.5 * logAddExp(0, -2 * lambda);
        // log α decreases with t: find the segment [i, i+1] with logAlpha[i] >= la >= logAlpha[i+1].
        int lo = 0;
        int hi = n - 1;
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (logAlpha[mid] >= la) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        double frac = (la - logAlpha[lo]) / (logAlpha[hi] - logAlpha[lo]);
        return (lo + 1 + frac) / n;
    }

    /** The model's input timestep for continuous time t: (t − 1/N)·1000. */
    double modelTime(double t) {
        return (t - 1.0 / n) * 1000.0;
    }

    private static double logAddExp(double a, double b) {
        double m = Math.max(a, b);
        return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
    }
}
