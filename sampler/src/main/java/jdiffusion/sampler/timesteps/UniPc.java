package jdiffusion.sampler.timesteps;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import jdiffusion.sampler.SamplingContext;
import jdiffusion.sampler.schedule.DiscreteSchedule;
import jdiffusion.tensor.Tensor;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * The webui's UniPC ({@code sd_samplers_timesteps_impl.unipc} over {@code uni_pc.py}): the multistep
 * unified predictor–corrector in data-prediction mode on the discrete VP schedule ({@link VpSchedule}),
 * with the webui options "UniPC variant" (bh1, bh2), "UniPC skip type" (time_uniform, time_quadratic,
 * logSNR), "UniPC order" and "UniPC lower order final". One model call per step: x0 = (x − σ_t·ε)/α_t
 * where ε is the CFG-combined noise at model time (t − 1/N)·1000 (fractional timesteps; a v-model's
 * output is converted to ε at the truncated integer timestep, as the webui's denoiser does).
 *
 * <p>txt2img runs len(timesteps) steps from t = 1 to 1/N; img2img starts at
 * t = timesteps[t_enc − 1]/1000 + 1/1000 (the webui's approximation; the latent was noised at
 * ᾱ[timesteps[t_enc]]) and runs t_enc steps. No final "denoise to zero" step (the webui does not ask for it).
 */
public final class UniPc implements TimestepSampler {

    /** The webui's UniPC options (defaults: bh1, time_uniform, order 3, lower order final). */
    public record Options(String variant, String skipType, int order, boolean lowerOrderFinal) {
        public static final Options DEFAULTS = new Options("bh1", "time_uniform", 3, true);

        public Options {
            if (!variant.equals("bh1") && !variant.equals("bh2")) {
                throw new IllegalArgumentException("UniPC variant must be bh1 or bh2, got '" + variant + "'"
                        + (variant.equals("vary_coeff") ? " (vary_coeff is not implemented)" : ""));
            }
            if (!skipType.equals("time_uniform") && !skipType.equals("time_quadratic") && !skipType.equals("logSNR")) {
                throw new IllegalArgumentException("UniPC skip type must be time_uniform, time_quadratic or logSNR, got '"
                        + skipType + "'");
            }
            if (order < 1 || order > 50) {
                throw new IllegalArgumentException("UniPC order must be within [1, 50], got " + order);
            }
        }
    }

    private final Options options;

    public UniPc() {
        this(Options.DEFAULTS);
    }

    public UniPc(Options options) {
        this.options = options;
    }

    @Override
    public Tensor sample(Tensor x, int[] timesteps, DiscreteSchedule schedule, SamplingContext ctx) {
        return sample(x, timesteps, schedule, ctx, false);
    }

    @Override
    public Tensor sample(Tensor x, int[] timesteps, DiscreteSchedule schedule, SamplingContext ctx, boolean img2img) {
        Timesteps.check(timesteps, schedule);
        VpSchedule ns = new VpSchedule(schedule);
        double tEnd = 1.0 / ns.totalN();
        double tStart = img2img ? timesteps[timesteps.length - 1] / 1000.0 + 1 / 1000.0 : 1.0;
        int steps = timesteps.length;
        int order = options.order();
        if (steps < order) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "UniPC needs at least as many steps as its order (%d), got %d%s", order, steps,
                    img2img ? " (img2img runs denoising strength × steps of them)" : ""));
        }
        double[] ts = times(ns, tStart, tEnd, steps);
        ctx.begin(x);
        Solver s = new Solver(ns, ctx);
        float[] xs = x.toFloatArray();
        List<float[]> models = new ArrayList<>();
        List<Double> times = new ArrayList<>();
        models.add(s.dataPrediction(xs, ts[0]));
        times.add(ts[0]);
        int callbackIndex = 0;
        for (int initOrder = 1; initOrder < order; initOrder++) {
            Update u = s.update(xs, models, times, ts[initOrder], initOrder, true);
            xs = u.x;
            float[] mx = u.model != null ? u.model : s.dataPrediction(xs, ts[initOrder]);
            ctx.step(callbackIndex++, xs, 0f, 0f, mx);
            models.add(mx);
            times.add(ts[initOrder]);
        }
        for (int step = order; step <= steps; step++) {
            int stepOrder = options.lowerOrderFinal() ? Math.min(order, steps + 1 - step) : order;
            boolean corrector = step != steps;   // the last step skips the corrector (and its model call)
            Update u = s.update(xs, models, times, ts[step], stepOrder, corrector);
            xs = u.x;
            ctx.step(callbackIndex++, xs, 0f, 0f, u.model != null ? u.model : xs);
            for (int i = 0; i < order - 1; i++) {
                times.set(i, times.get(i + 1));
                models.set(i, models.get(i + 1));
            }
            times.set(order - 1, ts[step]);
            if (step < steps) {
                models.set(order - 1, u.model != null ? u.model : s.dataPrediction(xs, ts[step]));
            }
        }
        return Tensor.of(xs, x.shape());
    }

    @Override
    public int steps(int timesteps) {
        return timesteps;
    }

    /** The steps + 1 solver times from tStart down to tEnd ({@code get_time_steps}). */
    private double[] times(VpSchedule ns, double tStart, double tEnd, int steps) {
        double[] t = new double[steps + 1];
        switch (options.skipType()) {
            case "time_uniform" -> {
                for (int i = 0; i <= steps; i++) {
                    t[i] = linspace(tStart, tEnd, steps + 1, i);
                }
            }
            case "time_quadratic" -> {
                for (int i = 0; i <= steps; i++) {
                    double r = linspace(Math.sqrt(tStart), Math.sqrt(tEnd), steps + 1, i);
                    t[i] = r * r;
                }
            }
            default -> {   // logSNR
                double l0 = ns.lambda(tStart);
                double l1 = ns.lambda(tEnd);
                for (int i = 0; i <= steps; i++) {
                    t[i] = ns.inverseLambda(linspace(l0, l1, steps + 1, i));
                }
            }
        }
        return t;
    }

    /** torch.linspace's i-th value: from the start for the first half, from the end for the second. */
    private static double linspace(double a, double b, int count, int i) {
        double step = (b - a) / (count - 1);
        return i < count / 2 ? a + step * i : b - step * (count - 1 - i);
    }

    /** The leading n×n block of {@code a} solved for the first n entries of {@code b} (LU, partial pivoting). */
    static double[] solve(double[][] a, double[] b, int n) {
        RealMatrix m = MatrixUtils.createRealMatrix(a).getSubMatrix(0, n - 1, 0, n - 1);
        return new LUDecomposition(m).getSolver().solve(new ArrayRealVector(b, 0, n)).toArray();
    }

    private record Update(float[] x, float[] model) {
    }

    /** One run's state-free pieces: the data-prediction model and the B(h) multistep update. */
    private final class Solver {
        private final VpSchedule ns;
        private final SamplingContext ctx;

        Solver(VpSchedule ns, SamplingContext ctx) {
            this.ns = ns;
            this.ctx = ctx;
        }

        /** x0 = (x − σ_t·ε(x, t))/α_t. */
        float[] dataPrediction(float[] x, double t) {
            float[] eps = ctx.denoise(x, (float) ns.modelTime(t));
            float sigma = (float) ns.sigma(t);
            float alpha = (float) ns.alpha(t);
            float[] x0 = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                x0[i] = (x[i] - sigma * eps[i]) / alpha;
            }
            return x0;
        }

        /** {@code multistep_uni_pc_bh_update} with predict_x0. */
        Update update(float[] x, List<float[]> models, List<Double> times, double t, int order, boolean corrector) {
            int last = models.size() - 1;
            double tPrev0 = times.get(last);
            float[] m0 = models.get(last);
            double lambdaPrev0 = ns.lambda(tPrev0);
            double h = ns.lambda(t) - lambdaPrev0;
            double sigmaPrev0 = ns.sigma(tPrev0);
            double sigmaT = ns.sigma(t);
            double alphaT = ns.alpha(t);

            double[] rks = new double[order];
            List<float[]> d1s = new ArrayList<>();
            for (int i = 1; i < order; i++) {
                float[] mi = models.get(last - i);
                double rk = (ns.lambda(times.get(last - i)) - lambdaPrev0) / h;
                rks[i - 1] = rk;
                float frk = (float) rk;
                float[] d = new float[x.length];
                for (int k = 0; k < d.length; k++) {
                    d[k] = (mi[k] - m0[k]) / frk;
                }
                d1s.add(d);
            }
            rks[order - 1] = 1.0;

            double hh = -h;
            double hPhi1 = Math.expm1(hh);
            double hPhiK = hPhi1 / hh - 1;
            double bH = options.variant().equals("bh1") ? hh : Math.expm1(hh);
            double[][] r = new double[order][order];
            double[] b = new double[order];
            double factorial = 1;
            for (int i = 1; i <= order; i++) {
                for (int j = 0; j < order; j++) {
                    r[i - 1][j] = Math.pow(rks[j], i - 1);
                }
                b[i - 1] = hPhiK * factorial / bH;
                factorial *= i + 1;
                hPhiK = hPhiK / hh - 1 / factorial;
            }
            double[] rhosP = null;
            if (!d1s.isEmpty()) {
                rhosP = order == 2 ? new double[] {0.5} : solve(r, b, order - 1);
            }
            double[] rhosC = null;
            if (corrector) {
                rhosC = order == 1 ? new double[] {0.5} : solve(r, b, order);
            }

            float ratio = (float) (sigmaT / sigmaPrev0);
            float c1 = (float) (alphaT * hPhi1);
            float cB = (float) (alphaT * bH);
            float[] base = new float[x.length];
            for (int k = 0; k < x.length; k++) {
                base[k] = ratio * x[k] - c1 * m0[k];
            }
            float[] xt = base;
            if (rhosP != null) {
                float[] res = combine(rhosP, d1s, rhosP.length, x.length);
                xt = new float[x.length];
                for (int k = 0; k < x.length; k++) {
                    xt[k] = base[k] - cB * res[k];
                }
            }
            if (!corrector) {
                return new Update(xt, null);
            }
            float[] modelT = dataPrediction(xt, t);
            float[] corr = combine(rhosC, d1s, rhosC.length - 1, x.length);
            float rhoLast = (float) rhosC[rhosC.length - 1];
            float[] out = new float[x.length];
            for (int k = 0; k < x.length; k++) {
                out[k] = base[k] - cB * (corr[k] + rhoLast * (modelT[k] - m0[k]));
            }
            return new Update(out, modelT);
        }

        /** Σ_{j < count} rho_j · d_j (the einsum over the stacked differences). */
        private float[] combine(double[] rho, List<float[]> d, int count, int n) {
            float[] out = new float[n];
            for (int j = 0; j < count; j++) {
                float w = (float) rho[j];
                float[] dj = d.get(j);
                for (int k = 0; k < n; k++) {
                    out[k] += w * dj[k];
                }
            }
            return out;
        }
    }
}
