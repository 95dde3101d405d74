package jdiffusion.sampler.kdiffusion;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import jdiffusion.sampler.KSampler;
import jdiffusion.sampler.SamplingContext;

/**
 * k-diffusion {@code sample_lms}: linear multistep over the last (up to) 4 derivatives with
 * coefficients from {@link LmsCoefficients}; no noise.
 */
public final class Lms implements KSampler {
    private final int order;

    public Lms(int order) {
        if (order < 1 || order > 4) {
            throw new IllegalArgumentException("LMS order must be 1..4, got " + order);
        }
        this.order = order;
    }

    public Lms() {
        this(4);
    }

    @Override
    public float[] run(float[] x, float[] sigmas, SamplingContext ctx) {
        Deque<float[]> ds = new ArrayDeque<>();
        for (int i = 0; i < sigmas.length - 1; i++) {
            float[] denoised = ctx.denoise(x, sigmas[i]);
            ds.addFirst(Arith.toD(x, denoised, sigmas[i]));
            if (ds.size() > order) {
                ds.removeLast();
            }
            ctx.step(i, x, sigmas[i], sigmas[i], denoised);
            int curOrder = Math.min(i + 1, order);
            double[] coeffs = LmsCoefficients.coefficients(curOrder, sigmas, i);
            // sum(coeff * d for coeff, d in zip(coeffs, reversed(ds))): float32 products, summed in order.
            float[] sum = new float[x.length];
            Iterator<float[]> it = ds.iterator();
            for (int j = 0; j < curOrder; j++) {
                float c = (float) coeffs[j];
                float[] d = it.next();
                for (int k = 0; k < x.length; k++) {
                    sum[k] = j == 0 ? c * d[k] : sum[k] + c * d[k];
                }
            }
            float[] next = new float[x.length];
            for (int k = 0; k < x.length; k++) {
                next[k] = x[k] + sum[k];
            }
            x = next;
        }
        return x;
    }
}
