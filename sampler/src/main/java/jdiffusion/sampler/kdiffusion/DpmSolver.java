package jdiffusion.sampler.kdiffusion;

import jdiffusion.sampler.F32;
import jdiffusion.sampler.KSampler;
import jdiffusion.sampler.SamplerParams;
import jdiffusion.sampler.SamplingContext;
import jdiffusion.tensor.Tensor;

/**
 * k-diffusion's {@code DPMSolver} (Lu et al. 2022) behind the webui's "DPM fast"
 * ({@code sample_dpm_fast}: fixed steps split into orders 3/2/1 in λ = −ln σ) and "DPM adaptive"
 * ({@code sample_dpm_adaptive}: embedded 2/3-order pairs with a PID step-size controller,
 * rtol 0.05, atol 0.0078, h_init 0.05). With η &gt; 0 (the webui default 1) each step adds ancestral
 * noise drawn through the noise sampler.
 *
 * <p>These functions take a σ range instead of a schedule. Like the webui's img2img path, the
 * {@link KSampler} entry uses σ_max = sigmas[0], σ_min = the last positive sigma and
 * n = len(sigmas) − 1; for txt2img the webui passes the model's σ range (σ_table[0], σ_table[999]) and
 * n = steps: use {@link #sample(Tensor, float, float, int, SamplingContext)}.
 */
public final class DpmSolver implements KSampler {
    private final boolean adaptive;

    public DpmSolver(boolean adaptive) {
        this.adaptive = adaptive;
    }

    /** Per-step model evaluations; the webui's solver caches ε at the step start and at r1. */
    private static final class Evals {
        final SamplingContext ctx;

        Evals(SamplingContext ctx) {
            this.ctx = ctx;
        }

        /** ε(x, t) = (x − D(x, σ(t)))/σ(t). */
        float[] eps(float[] x, float t) {
            float sigma = sigmaOf(t);
            float[] den = ctx.denoise(x, sigma);
            float[] eps = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                eps[i] = (x[i] - den[i]) / sigma;
            }
            return eps;
        }
    }

    static float tOf(float sigma) {
        return -F32.log(sigma);
    }

    static float sigmaOf(float t) {
        return F32.exp(-t);
    }

    /** x − a·(b·e) style update: x − ((s·m)·e). */
    private static float[] sub(float[] x, float s, float m, float[] e) {
        float sm = s * m;
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] - sm * e[i];
        }
        return out;
    }

    /** dpm_solver_1_step. */
    private static float[] step1(float[] x, float t, float tNext, float[] eps) {
        float h = tNext - t;
        return sub(x, sigmaOf(tNext), F32.expm1(h), eps);
    }

    /** dpm_solver_2_step; returns {x_2, eps_r1}. */
    private static float[][] step2(Evals ev, float[] x, float t, float tNext, double r1, float[] eps, float[] epsR1) {
        float h = tNext - t;
        float r1h = (float) r1 * h;
        float s1 = t + r1h;
        if (epsR1 == null) {
            float[] u1 = sub(x, sigmaOf(s1), F32.expm1(r1h), eps);
            epsR1 = ev.eps(u1, s1);
        }
        float sn = sigmaOf(tNext);
        float em = F32.expm1(h);
        float[] a = sub(x, sn, em, eps);
        float coef = (sn / (float) (2 * r1)) * em;
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = a[i] - coef * (epsR1[i] - eps[i]);
        }
        return new float[][] {out, epsR1};
    }

    /** dpm_solver_3_step (r1 = 1/3, r2 = 2/3), reusing ε at r1 when given. */
    private static float[] step3(Evals ev, float[] x, float t, float tNext, float[] eps, float[] epsR1) {
        double r1 = 1.0 / 3;
        double r2 = 2.0 / 3;
        float h = tNext - t;
        float r1h = (float) r1 * h;
        float r2h = (float) r2 * h;
        float s1 = t + r1h;
        float s2 = t + r2h;
        if (epsR1 == null) {
            epsR1 = ev.eps(sub(x, sigmaOf(s1), F32.expm1(r1h), eps), s1);
        }
        float sigmaS2 = sigmaOf(s2);
        float em2 = F32.expm1(r2h);
        float[] a = sub(x, sigmaS2, em2, eps);
        float c2 = (sigmaS2 * (float) (r2 / r1)) * (em2 / r2h - 1);
        float[] u2 = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            u2[i] = a[i] - c2 * (epsR1[i] - eps[i]);
        }
        float[] epsR2 = ev.eps(u2, s2);
        float sn = sigmaOf(tNext);
        float em = F32.expm1(h);
        float[] b = sub(x, sn, em, eps);
        float c3 = (sn / (float) r2) * (em / h - 1);
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = b[i] - c3 * (epsR2[i] - eps[i]);
        }
        return out;
    }

    /** The webui's txt2img call: the model's σ range and the step count. */
    public Tensor sample(Tensor x, float sigmaMin, float sigmaMax, int n, SamplingContext ctx) {
        if (!(sigmaMin > 0) || !(sigmaMax > 0)) {
            throw new IllegalArgumentException("DPM fast/adaptive need positive sigma_min and sigma_max, got "
                    + sigmaMin + ", " + sigmaMax);
        }
        ctx.begin(x);
        float[] out = adaptive ? adaptive(x.toFloatArray(), tOf(sigmaMax), tOf(sigmaMin), ctx)
                : fast(x.toFloatArray(), tOf(sigmaMax), tOf(sigmaMin), n, ctx);
        return Tensor.of(out, x.shape());
    }

    @Override
    public float[] run(float[] x, float[] sigmas, SamplingContext ctx) {
        float sigmaMax = sigmas[0];
        float sigmaMin = 0;
        for (int i = sigmas.length - 1; i >= 0; i--) {
            if (sigmas[i] > 0) {
                sigmaMin = sigmas[i];
                break;
            }
        }
        if (!(sigmaMin > 0) || !(sigmaMax > 0)) {
            throw new IllegalArgumentException("DPM fast/adaptive need positive sigma_min and sigma_max, got "
                    + sigmaMin + ", " + sigmaMax);
        }
        return adaptive ? adaptive(x, tOf(sigmaMax), tOf(sigmaMin), ctx)
                : fast(x, tOf(sigmaMax), tOf(sigmaMin), sigmas.length - 1, ctx);
    }

    private static float[] fast(float[] x, float tStart, float tEnd, int nfe, SamplingContext ctx) {
        SamplerParams p = ctx.params();
        if (nfe < 1) {
            throw new IllegalArgumentException("DPM fast needs at least 1 step, got " + nfe);
        }
        Evals ev = new Evals(ctx);
        int m = nfe / 3 + 1;
        float[] ts = F32.linspace(tStart, tEnd, m + 1);
        int[] orders = new int[nfe % 3 == 0 ? m : m];
        if (nfe % 3 == 0) {
            for (int i = 0; i < m - 2; i++) {
                orders[i] = 3;
            }
            orders[m - 2] = 2;
            orders[m - 1] = 1;
        } else {
            for (int i = 0; i < m - 1; i++) {
                orders[i] = 3;
            }
            orders[m - 1] = nfe % 3;
        }
        float sNoise = (float) p.sNoise();
        for (int i = 0; i < orders.length; i++) {
            float t = ts[i];
            float tNext = ts[i + 1];
            float tNextA = tNext;
            float su = 0;
            if (p.eta() != 0) {
                float[] anc = Arith.ancestralStep(sigmaOf(t), sigmaOf(tNext), p.eta());
                tNextA = Math.min(tEnd, tOf(anc[0]));
                float a = sigmaOf(tNext);
                float b = sigmaOf(tNextA);
                su = F32.sqrt(a * a - b * b);
            }
            float[] eps = ev.eps(x, t);
            float sigmaT = sigmaOf(t);
            float[] denoised = new float[x.length];
            for (int k = 0; k < x.length; k++) {
                denoised[k] = x[k] - sigmaT * eps[k];
            }
            ctx.step(i, x, sigmaT, sigmaT, denoised);
            x = switch (orders[i]) {
                case 1 -> step1(x, t, tNextA, eps);
                case 2 -> step2(ev, x, t, tNextA, 0.5, eps, null)[0];
                default -> step3(ev, x, t, tNextA, eps, null);
            };
            x = Arith.addNoise(x, ctx.noise(sigmaT, sigmaOf(tNext)), su * sNoise);
        }
        return x;
    }

    private static float[] adaptive(float[] x, float tStart, float tEnd, SamplingContext ctx) {
        SamplerParams p = ctx.params();
        Evals ev = new Evals(ctx);
        float rtol = 0.05f;
        float atol = 0.0078f;
        boolean forward = tEnd > tStart;
        double hInit = Math.abs(0.05) * (forward ? 1 : -1);
        if (!forward && p.eta() != 0) {
            throw new IllegalArgumentException("eta must be 0 for reverse sampling");
        }
        PidController pid = new PidController(hInit, 0, 1, 0, p.eta() != 0 ? 1.5 : 3, 0.81);
        float s = tStart;
        float[] xPrev = x;
        float sNoise = (float) p.sNoise();
        int stepIndex = 0;
        while (forward ? s < tEnd - 1e-5f : s > tEnd + 1e-5f) {
            float sh = s + (float) pid.h;
            float t = forward ? Math.min(tEnd, sh) : Math.max(tEnd, sh);
            float tA = t;
            float su = 0;
            if (p.eta() != 0) {
                float[] anc = Arith.ancestralStep(sigmaOf(s), sigmaOf(t), p.eta());
                tA = Math.min(tEnd, tOf(anc[0]));
                float a = sigmaOf(t);
                float b = sigmaOf(tA);
                su = F32.sqrt(a * a - b * b);
            }
            float[] eps = ev.eps(x, s);
            float sigmaS = sigmaOf(s);
            float[] denoised = new float[x.length];
            for (int k = 0; k < x.length; k++) {
                denoised[k] = x[k] - sigmaS * eps[k];
            }
            float[][] low = step2(ev, x, s, tA, 1.0 / 3, eps, null);
            float[] xLow = low[0];
            float[] xHigh = step3(ev, x, s, tA, eps, low[1]);
            double sum = 0;
            for (int k = 0; k < x.length; k++) {
                float delta = Math.max(atol, rtol * Math.max(Math.abs(xLow[k]), Math.abs(xPrev[k])));
                float q = (xLow[k] - xHigh[k]) / delta;
                sum += (double) q * q;
            }
            float error = (float) (Math.sqrt(sum) / Math.sqrt(x.length));
            boolean accept = pid.proposeStep(error);
            if (accept) {
                xPrev = xLow;
                x = Arith.addNoise(xHigh, ctx.noise(sigmaS, sigmaOf(t)), su * sNoise);
                s = t;
            }
            ctx.step(stepIndex++, x, sigmaOf(s), sigmaOf(s), denoised);
        }
        return x;
    }

    /** k-diffusion's {@code PIDStepSizeController} (Python floats). */
    static final class PidController {
        double h;
        private final double b1;
        private final double b2;
        private final double b3;
        private final double acceptSafety;
        private final double eps = 1e-8;
        private double[] errs;

        PidController(double h, double pcoeff, double icoeff, double dcoeff, double order, double acceptSafety) {
            this.h = h;
            this.b1 = (pcoeff + icoeff + dcoeff) / order;
            this.b2 = -(pcoeff + 2 * dcoeff) / order;
            this.b3 = dcoeff / order;
            this.acceptSafety = acceptSafety;
        }

        boolean proposeStep(double error) {
            double inv = 1 / (error + eps);
            if (errs == null) {
                errs = new double[] {inv, inv, inv};
            }
            errs[0] = inv;
            double factor = Math.pow(errs[0], b1) * Math.pow(errs[1], b2) * Math.pow(errs[2], b3);
            factor = 1 + Math.atan(factor - 1);
            boolean accept = factor >= acceptSafety;
            if (accept) {
                errs[2] = errs[1];
                errs[1] = errs[0];
            }
            h *= factor;
            return accept;
        }
    }
}
