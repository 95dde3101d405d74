package jdiffusion.sampler.cfg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import jdiffusion.sampler.SamplingCancelledException;
import jdiffusion.sampler.SamplingContext;
import jdiffusion.sampler.Samplers;
import jdiffusion.sampler.schedule.DiscreteSchedule;
import jdiffusion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The CFG denoiser against a straightforward double-precision reference, with a synthetic "UNet" whose
 * output depends on the latent, the timestep and the conditioning row: pred = 0.5·x + 0.01·t +
 * mean(context row) + (concat channel 0 if present).
 */
class CfgDenoiserTest {
    private static final DiscreteSchedule SD = DiscreteSchedule.stableDiffusion();
    private static final int C = 4;
    private static final int H = 3;
    private static final int W = 5;
    private static final int PER = C * H * W;

    /** Records the calls; pred as documented above. */
    private static final class FakeUnet implements DiffusionModel {
        final List<int[]> calls = new ArrayList<>();

        @Override
        public Tensor apply(Tensor xIn, float[] t, Conditioning cond) {
            calls.add(new int[] {xIn.dim(0), cond.tokens()});
            float[] x = xIn.toFloatArray();
            float[] out = new float[x.length];
            int per = x.length / xIn.dim(0);
            float[] ctx = cond.crossattn().toFloatArray();
            int rowCtx = ctx.length / cond.rows();
            float[] concat = cond.concat() == null ? null : cond.concat().toFloatArray();
            for (int r = 0; r < xIn.dim(0); r++) {
                double mean = 0;
                for (int k = 0; k < rowCtx; k++) {
                    mean += ctx[r * rowCtx + k];
                }
                mean /= rowCtx;
                for (int i = 0; i < per; i++) {
                    double v = 0.5 * x[r * per + i] + 0.01 * t[r] + mean;
                    if (concat != null) {
                        v += concat[r * (concat.length / cond.rows()) + i % (H * W)];
                    }
                    out[r * per + i] = (float) v;
                }
            }
            return Tensor.of(out, xIn.shape());
        }
    }

    /** Double-precision D(x, σ) of one row for the fake UNet (ε parameterisation). */
    private static double[] referenceDenoised(float[] x, int row, float sigma, double ctxMean, float[] concat) {
        double cIn = 1 / Math.sqrt((double) sigma * sigma + 1);
        double t = SD.sigmaToT(sigma);
        double[] out = new double[PER];
        for (int i = 0; i < PER; i++) {
            double xv = x[row * PER + i];
            double eps = 0.5 * xv * cIn + 0.01 * t + ctxMean + (concat == null ? 0 : concat[row * H * W + i % (H * W)]);
            out[i] = xv - sigma * eps;
        }
        return out;
    }

    private static Tensor random(SplittableRandom r, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return Tensor.of(a, shape);
    }

    private static double mean(Tensor t) {
        double s = 0;
        for (float v : t.toFloatArray()) {
            s += v;
        }
        return s / t.size();
    }

    @Test
    void composablePromptsAndWeightsMatchTheFormula() {
        SplittableRandom r = new SplittableRandom(3);
        // image 0: two sub-prompts (weights 1 and -0.5) of different token counts; image 1: one prompt.
        Conditioning a = Conditioning.of(random(r, 1, 77, 8));
        Conditioning bCond = Conditioning.of(random(r, 1, 154, 8));
        Conditioning c = Conditioning.of(random(r, 1, 77, 8));
        Conditioning uncond = Conditioning.of(random(r, 2, 154, 8));
        List<List<WeightedCond>> conds = List.of(
                List.of(new WeightedCond(a, 1.0), new WeightedCond(bCond, -0.5)),
                List.of(new WeightedCond(c, 1.0)));
        FakeUnet unet = new FakeUnet();
        double scale = 7.5;
        CfgDenoiser cfg = new CfgDenoiser(unet, new CompVisDenoiser(SD, Parameterization.EPSILON),
                CondSchedule.fixed(conds, uncond), scale);
        Tensor x = random(r, 2, C, H, W);
        float[] sigma = {3.2f, 3.2f};
        float[] got = cfg.denoise(x, sigma).toFloatArray();
        // After stack_conds every context is 154 tokens, equal to the uncond: one call of 3 + 2 rows.
        assertEquals(1, unet.calls.size());
        assertArrayEquals(new int[] {5, 154}, unet.calls.get(0));

        float[] xs = x.toFloatArray();
        double meanA = mean(a.withTokens(154).crossattn());
        double meanB = mean(bCond.crossattn());
        double meanC = mean(c.withTokens(154).crossattn());
        double meanU0 = mean(uncond.slice(0, 1).crossattn());
        double meanU1 = mean(uncond.slice(1, 2).crossattn());
        double[] u0 = referenceDenoised(xs, 0, sigma[0], meanU0, null);
        double[] ca = referenceDenoised(xs, 0, sigma[0], meanA, null);
        double[] cb = referenceDenoised(xs, 0, sigma[0], meanB, null);
        double[] u1 = referenceDenoised(xs, 1, sigma[1], meanU1, null);
        double[] cc = referenceDenoised(xs, 1, sigma[1], meanC, null);
        for (int i = 0; i < PER; i++) {
            double e0 = u0[i] + (ca[i] - u0[i]) * scale + (cb[i] - u0[i]) * (-0.5 * scale);
            double e1 = u1[i] + (cc[i] - u1[i]) * scale;
            assertEquals(e0, got[i], 2e-4 * Math.max(1, Math.abs(e0)), "image 0 [" + i + "]");
            assertEquals(e1, got[PER + i], 2e-4 * Math.max(1, Math.abs(e1)), "image 1 [" + i + "]");
        }
        assertEquals(1, cfg.step());
    }

    @Test
    void differentTokenCountsRunCondAndUncondSeparately() {
        SplittableRandom r = new SplittableRandom(4);
        Conditioning cond = Conditioning.of(random(r, 1, 154, 8));
        Conditioning uncond = Conditioning.of(random(r, 1, 77, 8));
        Tensor x = random(r, 1, C, H, W);
        float[] sigma = {1.5f};
        FakeUnet split = new FakeUnet();
        float[] a = new CfgDenoiser(split, new CompVisDenoiser(SD, Parameterization.EPSILON),
                CondSchedule.simple(cond, uncond), 5).denoise(x, sigma).toFloatArray();
        assertEquals(2, split.calls.size());
        assertArrayEquals(new int[] {1, 154}, split.calls.get(0));
        assertArrayEquals(new int[] {1, 77}, split.calls.get(1));

        // "Pad conds": the uncond gets one empty-prompt chunk, then everything is one call.
        Tensor empty = random(r, 1, 77, 8);
        FakeUnet padded = new FakeUnet();
        var opts = new CfgOptions(true, true, false, empty, 0, false, 0, 0);
        float[] b = new CfgDenoiser(padded, new CompVisDenoiser(SD, Parameterization.EPSILON),
                CondSchedule.simple(cond, uncond), 5, null, opts, null).denoise(x, sigma).toFloatArray();
        assertEquals(1, padded.calls.size());
        assertArrayEquals(new int[] {2, 154}, padded.calls.get(0));
        // The padded uncond's context mean changed, so results differ from the unpadded run.
        assertTrue(a[0] != b[0]);

        // "Pad conds v0": the uncond's last token vector is repeated.
        FakeUnet v0 = new FakeUnet();
        var optsV0 = new CfgOptions(true, false, true, null, 0, false, 0, 0);
        new CfgDenoiser(v0, new CompVisDenoiser(SD, Parameterization.EPSILON),
                CondSchedule.simple(cond, uncond), 5, null, optsV0, null).denoise(x, sigma);
        assertArrayEquals(new int[] {2, 154}, v0.calls.get(0));
    }

    @Test
    void batchCondUncondOffSplitsIntoBatchSizedSlices() {
        SplittableRandom r = new SplittableRandom(5);
        Conditioning cond = Conditioning.of(random(r, 2, 77, 8));
        Conditioning uncond = Conditioning.of(random(r, 2, 77, 8));
        Tensor x = random(r, 2, C, H, W);
        float[] sigma = {2f, 2f};
        FakeUnet one = new FakeUnet();
        float[] a = new CfgDenoiser(one, new CompVisDenoiser(SD, Parameterization.EPSILON),
                CondSchedule.simple(cond, uncond), 7).denoise(x, sigma).toFloatArray();
        FakeUnet sliced = new FakeUnet();
        var opts = new CfgOptions(false, false, false, null, 0, false, 0, 0);
        float[] b = new CfgDenoiser(sliced, new CompVisDenoiser(SD, Parameterization.EPSILON),
                CondSchedule.simple(cond, uncond), 7, null, opts, null).denoise(x, sigma).toFloatArray();
        assertEquals(1, one.calls.size());
        assertEquals(2, sliced.calls.size());
        assertArrayEquals(a, b);
    }

    @Test
    void ngmsSkipsTheUncondOnOddCallsBelowTheThreshold() {
        SplittableRandom r = new SplittableRandom(6);
        Conditioning cond = Conditioning.of(random(r, 1, 77, 8));
        Conditioning uncond = Conditioning.of(random(r, 1, 77, 8));
        Tensor x = random(r, 1, C, H, W);
        FakeUnet unet = new FakeUnet();
        var opts = new CfgOptions(true, false, false, null, 1.0, false, 0, 0);
        CfgDenoiser cfg = new CfgDenoiser(unet, new CompVisDenoiser(SD, Parameterization.EPSILON),
                CondSchedule.simple(cond, uncond), 7, null, opts, null);
        cfg.denoise(x, new float[] {0.5f});               // step 0: even, full CFG
        float[] odd = cfg.denoise(x, new float[] {0.5f}).toFloatArray();   // step 1: odd, σ < 1: cond only
        cfg.denoise(x, new float[] {2f});                 // step 2
        cfg.denoise(x, new float[] {2f});                 // step 3: odd but σ >= 1: full
        assertArrayEquals(new int[] {2, 1, 2, 2}, unet.calls.stream().mapToInt(c -> c[0]).toArray());
        double[] ref = referenceDenoised(x.toFloatArray(), 0, 0.5f, mean(cond.crossattn()), null);
        for (int i = 0; i < PER; i++) {
            assertEquals(ref[i], odd[i], 1e-5);
        }
    }

    @Test
    void imageConditioningFollowsItsImageAndTheMaskBlendsAfterGuidance() {
        SplittableRandom r = new SplittableRandom(7);
        Conditioning cond = Conditioning.of(random(r, 2, 77, 8));
        Conditioning uncond = Conditioning.of(random(r, 2, 77, 8));
        Tensor x = random(r, 2, C, H, W);
        Tensor imageCond = random(r, 2, 1, H, W);
        Tensor init = random(r, 2, C, H, W);
        float[] m = new float[H * W];
        float[] nm = new float[H * W];
        for (int i = 0; i < m.length; i++) {
            m[i] = i % 2;
            nm[i] = 1 - m[i];
        }
        var blend = new MaskBlend(init, Tensor.of(m, 1, 1, H, W), Tensor.of(nm, 1, 1, H, W), false);
        int[] seen = {-1};
        CfgHooks hooks = new CfgHooks() {
            @Override
            public Tensor afterCombine(Tensor xx, float[] sigma, int step, Tensor denoised) {
                seen[0] = step;
                return blend.afterCombine(xx, sigma, step, denoised);
            }
        };
        float[] sigma = {0.9f, 4f};
        float[] got = new CfgDenoiser(new FakeUnet(), new CompVisDenoiser(SD, Parameterization.EPSILON),
                CondSchedule.simple(cond, uncond), 3, imageCond, CfgOptions.DEFAULTS, hooks).denoise(x, sigma).toFloatArray();
        assertEquals(0, seen[0]);
        float[] xs = x.toFloatArray();
        float[] ic = imageCond.toFloatArray();
        float[] in = init.toFloatArray();
        for (int img = 0; img < 2; img++) {
            double[] u = referenceDenoised(xs, img, sigma[img], mean(uncond.slice(img, img + 1).crossattn()), ic);
            double[] c = referenceDenoised(xs, img, sigma[img], mean(cond.slice(img, img + 1).crossattn()), ic);
            for (int i = 0; i < PER; i++) {
                double guided = u[i] + (c[i] - u[i]) * 3;
                double keep = m[i % (H * W)];
                double expected = guided * (1 - keep) + in[img * PER + i] * keep;
                assertEquals(expected, got[img * PER + i], 1e-4, "image " + img + " [" + i + "]");
            }
        }
    }

    @Test
    void vPredictionWrapper() {
        SplittableRandom r = new SplittableRandom(8);
        Tensor x = random(r, 1, C, H, W);
        Tensor v = random(r, 1, C, H, W);
        float sigma = 2.5f;
        Tensor d = new CompVisDenoiser(SD, Parameterization.V).denoise((xi, t, c) -> v, x, new float[] {sigma},
                Conditioning.of(random(r, 1, 77, 8)));
        double s2 = (double) sigma * sigma + 1;
        for (int i = 0; i < PER; i++) {
            double expected = x.getFlat(i) / s2 - sigma / Math.sqrt(s2) * v.getFlat(i);
            assertEquals(expected, d.getFlat(i), 1e-6);
        }
    }

    @Test
    void cancellationStopsBeforeTheNextCallWithTheLastDenoised() {
        SplittableRandom r = new SplittableRandom(9);
        Conditioning cond = Conditioning.of(random(r, 1, 77, 8));
        Conditioning uncond = Conditioning.of(random(r, 1, 77, 8));
        FakeUnet unet = new FakeUnet();
        CfgDenoiser cfg = new CfgDenoiser(unet, new CompVisDenoiser(SD, Parameterization.EPSILON),
                CondSchedule.simple(cond, uncond), 7);
        int[] steps = {0};
        SamplingContext ctx = SamplingContext.of(cfg, null)
                .withCallback(s -> steps[0]++)
                .withCancellation(() -> steps[0] >= 3);
        float[] sigmas = {8f, 4f, 2f, 1f, 0.5f, 0f};
        var e = assertThrows(SamplingCancelledException.class,
                () -> Samplers.byName("DPM++ 2M").create().sample(random(r, 1, C, H, W), sigmas, ctx));
        assertEquals(3, e.modelCalls());
        assertNotNull(e.lastDenoised());
        assertEquals(3, unet.calls.size());
        var early = assertThrows(SamplingCancelledException.class, () -> Samplers.byName("LMS").create()
                .sample(random(r, 1, C, H, W), sigmas, SamplingContext.of(cfg, null).withCancellation(() -> true)));
        assertNull(early.lastDenoised());
    }

    @Test
    void badBatchesAreRejected() {
        SplittableRandom r = new SplittableRandom(10);
        Conditioning cond = Conditioning.of(random(r, 2, 77, 8));
        Conditioning uncond = Conditioning.of(random(r, 1, 77, 8));
        CfgDenoiser cfg = new CfgDenoiser(new FakeUnet(), new CompVisDenoiser(SD, Parameterization.EPSILON),
                CondSchedule.simple(cond, uncond), 7);
        var e = assertThrows(IllegalArgumentException.class, () -> cfg.denoise(random(r, 2, C, H, W), new float[] {1f, 1f}));
        assertTrue(e.getMessage().contains("negative prompt 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Conditioning.of(random(r, 2, 77)));
        assertThrows(IllegalArgumentException.class, () -> new CfgOptions(true, true, false, null, 0, false, 0, 0));
    }
}
