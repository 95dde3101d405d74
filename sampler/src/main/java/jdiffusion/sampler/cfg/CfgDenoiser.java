package jdiffusion.sampler.cfg;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import jdiffusion.sampler.Denoiser;
import jdiffusion.tensor.Tensor;

/**
 * The webui's classifier-free guidance denoiser ({@code CFGDenoiser.forward}, v1.10.1; spec §4.2).
 * For a latent batch x [B, C, h, w] at σ [B] it:
 * <ol>
 *   <li>takes the conditioning in force at this call ({@link CondSchedule}); sub-prompts of different
 *   token counts are padded by repeating their last token vector;</li>
 *   <li>builds the model batch: image i's row once per sub-prompt, then all B rows again for the
 *   negative prompt (σ and image conditioning laid out the same way);</li>
 *   <li>runs it as ONE model call when cond and uncond have the same token count (after the optional
 *   "Pad conds" options), otherwise the cond part and the uncond part as separate calls;</li>
 *   <li>combines in x0 space: {@code denoised_i = D_u,i + Σ_j (D_c,ij − D_u,i)·(w_ij·scale)} (uncond
 *   cloned, each term added in sub-prompt order, float32);</li>
 *   <li>hands the result to {@link CfgHooks#afterCombine} (mask blend, Soft Inpainting).</li>
 * </ol>
 * Each call advances the step counter that selects scheduled prompts.
 */
public final class CfgDenoiser implements Denoiser {
    private final DiffusionModel model;
    private final ModelWrapper wrapper;
    private final CondSchedule conds;
    private final double cfgScale;
    private final Tensor imageCond;
    private final CfgOptions options;
    private final CfgHooks hooks;
    private int step;
    private int modelCalls;
    private double scaleMultiplier = 1.0;
    private Tensor lastUncond;

    /**
     * @param model     the UNet
     * @param wrapper   what the model rows become: denoised x0 ({@link CompVisDenoiser}) or ε
     *                  ({@link TimestepsDenoiser}, the level then being the timestep)
     * @param conds     prompt and negative prompt conditioning per call
     * @param cfgScale  "CFG scale"
     * @param imageCond image conditioning per image [B, Cc, h, w] (inpainting models), or null
     * @param options   webui options
     * @param hooks     mask blending and other per-call changes
     */
    public CfgDenoiser(DiffusionModel model, ModelWrapper wrapper, CondSchedule conds, double cfgScale,
                       Tensor imageCond, CfgOptions options, CfgHooks hooks) {
        this.model = Objects.requireNonNull(model, "model");
        this.wrapper = Objects.requireNonNull(wrapper, "wrapper");
        this.conds = Objects.requireNonNull(conds, "conds");
        if (!Double.isFinite(cfgScale)) {
            throw new IllegalArgumentException("CFG scale must be finite, got " + cfgScale);
        }
        this.cfgScale = cfgScale;
        this.imageCond = imageCond;
        this.options = Objects.requireNonNull(options, "options");
        this.hooks = hooks == null ? CfgHooks.NONE : hooks;
    }

    public CfgDenoiser(DiffusionModel model, ModelWrapper wrapper, CondSchedule conds, double cfgScale) {
        this(model, wrapper, conds, cfgScale, null, CfgOptions.DEFAULTS, CfgHooks.NONE);
    }

    /** Denoiser calls so far (the prompt-schedule step). */
    public int step() {
        return step;
    }

    /** UNet invocations so far (one per call when cond and uncond are batched). */
    public int modelCalls() {
        return modelCalls;
    }

    /** The webui's {@code cond_scale_miltiplier} (DDIM CFG++ sets 1/12.5). */
    public void setScaleMultiplier(double value) {
        this.scaleMultiplier = value;
    }

    /** The uncond rows [B, C, h, w] of the last call (the webui's {@code last_noise_uncond}). */
    public Tensor lastUncond() {
        return lastUncond;
    }

    @Override
    public Tensor denoise(Tensor x, float[] sigma) {
        int b = x.dim(0);
        List<List<WeightedCond>> perImage = conds.cond(step);
        Conditioning uncond = conds.uncond(step);
        if (perImage.size() != b || uncond.rows() != b || sigma.length != b) {
            throw new IllegalArgumentException("CFG batch: latent has " + b + " images, conditioning has "
                    + perImage.size() + ", negative prompt " + uncond.rows() + ", sigmas " + sigma.length);
        }
        if (imageCond != null && imageCond.dim(0) != b) {
            throw new IllegalArgumentException("image conditioning has " + imageCond.dim(0) + " rows for " + b + " images");
        }
        x = hooks.beforeDenoise(x, sigma, step);

        // Sub-prompt rows, padded to a common token count by repeating each one's last token vector.
        List<Conditioning> subs = new ArrayList<>();
        List<int[]> index = new ArrayList<>();
        List<double[]> weights = new ArrayList<>();
        int maxTokens = 0;
        for (List<WeightedCond> list : perImage) {
            if (list.isEmpty()) {
                throw new IllegalArgumentException("an image has no prompt conditioning");
            }
            int[] idx = new int[list.size()];
            double[] w = new double[list.size()];
            for (int j = 0; j < list.size(); j++) {
                idx[j] = subs.size();
                w[j] = list.get(j).weight();
                subs.add(list.get(j).cond());
                maxTokens = Math.max(maxTokens, list.get(j).cond().tokens());
            }
            index.add(idx);
            weights.add(w);
        }
        List<Conditioning> padded = new ArrayList<>();
        for (Conditioning c : subs) {
            padded.add(c.withTokens(maxTokens));
        }
        Conditioning cond = Conditioning.concatRows(padded);
        int n = cond.rows();

        // Model batch rows: image i once per sub-prompt, then every image for the uncond.
        int[] rowImage = new int[n + b];
        for (int i = 0, r = 0; i < b; i++) {
            for (int j = 0; j < index.get(i).length; j++) {
                rowImage[r++] = i;
            }
        }
        for (int i = 0; i < b; i++) {
            rowImage[n + i] = i;
        }

        boolean skipUncond = (options.skipEarlyCond() != 0 && (double) step / options.totalSteps() <= options.skipEarlyCond())
                || ((step % 2 == 1 || options.sMinUncondAll()) && options.sMinUncond() > 0 && sigma[0] < options.sMinUncond());
        int rows = skipUncond ? n : n + b;

        if (cond.tokens() != uncond.tokens()) {
            if (options.padCondUncondV0()) {
                uncond = uncond.withTokens(cond.tokens());
            } else if (options.padCondUncond()) {
                int te = options.emptyPrompt().dim(1);
                int repeats = Math.floorDiv(cond.tokens() - uncond.tokens(), te);
                if (repeats < 0) {
                    cond = cond.padWith(options.emptyPrompt(), -repeats);
                } else if (repeats > 0) {
                    uncond = uncond.padWith(options.emptyPrompt(), repeats);
                }
            }
        }

        int[] shape = x.shape();
        int per = x.size() / b;
        float[] xs = x.toFloatArray();
        int[] inShape = shape.clone();
        inShape[0] = rows;
        float[] xIn = new float[rows * per];
        float[] sigmaIn = new float[rows];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(xs, rowImage[r] * per, xIn, r * per, per);
            sigmaIn[r] = sigma[rowImage[r]];
        }
        Tensor imageIn = imageCond == null ? null : gatherRows(imageCond, rowImage, rows);
        float[] out = new float[(n + b) * per];
        if (cond.tokens() == uncond.tokens() || skipUncond) {
            Conditioning all = skipUncond ? cond : Conditioning.concatRows(List.of(cond, uncond));
            if (options.batchCondUncond()) {
                run(xIn, sigmaIn, all, imageIn, 0, rows, inShape, out);
            } else {
                for (int a = 0; a < rows; a += b) {
                    run(xIn, sigmaIn, all, imageIn, a, Math.min(a + b, rows), inShape, out);
                }
            }
        } else {
            int chunk = options.batchCondUncond() ? 2 * b : b;
            for (int a = 0; a < n; a += chunk) {
                run(xIn, sigmaIn, cond, imageIn, a, Math.min(a + chunk, n), inShape, out, a);
            }
            if (!skipUncond) {
                run(xIn, sigmaIn, uncond, imageIn, n, n + b, inShape, out, 0);
            }
        }
        if (skipUncond) {
            // The webui puts each image's first cond result where its uncond result would be.
            for (int i = 0; i < b; i++) {
                System.arraycopy(out, index.get(i)[0] * per, out, (n + i) * per, per);
            }
        }

        double scale = skipUncond ? 1.0 : cfgScale * scaleMultiplier;
        float[] denoised = new float[b * per];
        System.arraycopy(out, n * per, denoised, 0, b * per);
        lastUncond = Tensor.of(denoised.clone(), shape);
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < index.get(i).length; j++) {
                float f = (float) (weights.get(i)[j] * scale);
                int c = index.get(i)[j] * per;
                int u = (n + i) * per;
                int d = i * per;
                for (int k = 0; k < per; k++) {
                    denoised[d + k] += (out[c + k] - out[u + k]) * f;
                }
            }
        }
        Tensor result = hooks.afterCombine(x, sigma, step, Tensor.of(denoised, shape));
        step++;
        return result;
    }

    /** Model rows [a, b) of the batch, with conditioning rows [a, b) of {@code c}. */
    private void run(float[] xIn, float[] sigmaIn, Conditioning c, Tensor imageIn, int a, int b, int[] inShape,
                     float[] out) {
        run(xIn, sigmaIn, c, imageIn, a, b, inShape, out, a);
    }

    /** Model rows [a, b) with conditioning rows starting at {@code condFrom}. */
    private void run(float[] xIn, float[] sigmaIn, Conditioning c, Tensor imageIn, int a, int b, int[] inShape,
                     float[] out, int condFrom) {
        int per = xIn.length / inShape[0];
        int[] shape = inShape.clone();
        shape[0] = b - a;
        Tensor x = Tensor.of(Arrays.copyOfRange(xIn, a * per, b * per), shape);
        Conditioning rows = c.slice(condFrom, condFrom + (b - a));
        if (imageIn != null) {
            rows = rows.withConcat(imageIn.slice(a, b).copy());
        }
        Tensor den = wrapper.denoise(model, x, Arrays.copyOfRange(sigmaIn, a, b), rows);
        modelCalls++;
        float[] d = den.toFloatArray();
        System.arraycopy(d, 0, out, a * per, d.length);
    }

    private static Tensor gatherRows(Tensor t, int[] rowImage, int rows) {
        int[] s = t.shape();
        int per = t.size() / s[0];
        float[] src = t.toFloatArray();
        float[] out = new float[rows * per];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(src, rowImage[r] * per, out, r * per, per);
        }
        s[0] = rows;
        return Tensor.of(out, s);
    }
}
