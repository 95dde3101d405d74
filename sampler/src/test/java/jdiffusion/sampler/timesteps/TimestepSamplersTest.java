package jdiffusion.sampler.timesteps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import jdiffusion.sampler.Denoiser;
import jdiffusion.sampler.SamplerParams;
import jdiffusion.sampler.SamplingContext;
import jdiffusion.sampler.cfg.CfgDenoiser;
import jdiffusion.sampler.cfg.CondSchedule;
import jdiffusion.sampler.cfg.Conditioning;
import jdiffusion.sampler.cfg.DiffusionModel;
import jdiffusion.sampler.cfg.Parameterization;
import jdiffusion.sampler.cfg.TimestepsDenoiser;
import jdiffusion.sampler.schedule.DiscreteSchedule;
import jdiffusion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * DDIM / PLMS against the exact solution for Gaussian data N(c, s²): in k-diffusion coordinates
 * x/√ᾱ follows x_k(σ) − c = (x_k(σ0) − c)·sqrt((s² + σ²)/(s² + σ0²)), which deterministic DDIM (η = 0) and
 * PLMS approach as steps are added.
 */
class TimestepSamplersTest {
    private static final DiscreteSchedule SD = DiscreteSchedule.stableDiffusion();
    private static final int N = 3 * 4 * 5;

    private static double error(TimestepSampler sampler, int steps) {
        SplittableRandom r = new SplittableRandom(5);
        float[] c = new float[N];
        float[] x = new float[N];
        for (int i = 0; i < N; i++) {
            c[i] = (float) (r.nextDouble() - 0.5);
            x[i] = (float) (r.nextDouble() * 2 - 1);
        }
        int[] ts = Timesteps.webui(steps, false);
        Denoiser d = (xt, t) -> Tensor.of(GaussianData.eps(xt.toFloatArray(), c, SD.alphaCumprod((int) t[0])), xt.shape());
        SamplingContext ctx = new SamplingContext(d, () -> Tensor.zeros(1, 3, 4, 5), null,
                SamplerParams.DEFAULTS.withEta(0), null, null);
        float[] out = sampler.sample(Tensor.of(x.clone(), 1, 3, 4, 5), ts, SD, ctx).toFloatArray();
        return GaussianData.maxError(out, x, c, SD.alphaCumprod(ts[ts.length - 1]), SD.alphaCumprod(ts[0]));
    }

    @Test
    void ddimAndPlmsConverge() {
        for (String name : new String[] {"DDIM", "PLMS"}) {
            double coarse = error(TimestepSamplers.byName(name).create(), 10);
            double fine = error(TimestepSamplers.byName(name).create(), 100);
            System.out.printf("%-5s error 10 steps %.2e, 100 steps %.2e%n", name, coarse, fine);
            assertTrue(fine < 2e-2 && fine < coarse / 5, name + ": " + coarse + " -> " + fine);
        }
    }

    @Test
    void timestepGrid() {
        int[] t20 = Timesteps.webui(20, false);
        assertEquals(20, t20.length);
        assertEquals(1, t20[0]);
        assertEquals(51, t20[1]);
        assertEquals(951, t20[19]);
        int[] t30 = Timesteps.webui(30, false);   // stride 33: 0, 33, ..., 990 -> 31 entries
        assertEquals(31, t30.length);
        assertEquals(991, t30[30]);
        assertArrayEquals(new int[] {1, 501}, Timesteps.webui(2, false));
        assertEquals(4, Timesteps.webui(2, true).length);   // 3 steps: stride 333 -> 0, 333, 666, 999
        assertArrayEquals(new int[] {1}, Timesteps.webui(1, false));
        assertThrows(IllegalArgumentException.class, () -> Timesteps.webui(0, false));
        var ctx = SamplingContext.of((x, t) -> x, () -> Tensor.zeros(1, 1, 1, 1));
        var e = assertThrows(IllegalArgumentException.class,
                () -> new Plms().sample(Tensor.zeros(1, 1, 1, 1), new int[] {1, 1000}, SD, ctx));
        assertTrue(e.getMessage().contains("1000"), e.getMessage());
    }

    @Test
    void ddimDrawsOneNoisePerStepAndUsesEta() {
        int[] draws = {0};
        Denoiser zero = (xt, t) -> Tensor.zeros(xt.shape());
        SamplingContext ctx = new SamplingContext(zero, () -> {
            draws[0]++;
            return Tensor.full(1f, 1, 1, 1, 2);
        }, null, SamplerParams.DEFAULTS.withEta(0), null, null);
        int[] ts = Timesteps.webui(5, false);
        Tensor x = Tensor.full(1f, 1, 1, 1, 2);
        float[] det = new Ddim(false).sample(x, ts, SD, ctx).toFloatArray();
        assertEquals(ts.length - 1, draws[0]);
        // eps = 0: x0 = x/sqrt(a), x_prev = sqrt(a_prev) x0: the product telescopes to sqrt(abar[t0]/abar[t_last]).
        double expected = Math.sqrt((double) SD.alphaCumprod(ts[0]) / SD.alphaCumprod(ts[ts.length - 1]));
        assertEquals(expected, det[0], 1e-5);
        float[] noisy = new Ddim(false).sample(x, ts, SD, ctx.withParams(SamplerParams.DEFAULTS.withEta(1))).toFloatArray();
        assertTrue(noisy[0] != det[0]);
    }

    @Test
    void cfgPlusPlusGuidesX0AtScaleOver12_5AndPointsAlongTheUncondNoise() {
        float[] ec = {0.3f, -0.2f};
        float[] eu = {-0.1f, 0.4f};
        DiffusionModel model = (xIn, t, cond) -> {
            float[] out = new float[xIn.size()];
            for (int r = 0; r < xIn.dim(0); r++) {
                boolean isCond = cond.crossattn().getFlat(r * cond.tokens() * cond.channels()) > 0;
                System.arraycopy(isCond ? ec : eu, 0, out, r * 2, 2);
            }
            return Tensor.of(out, xIn.shape());
        };
        Conditioning cond = Conditioning.of(Tensor.full(1f, 1, 2, 3));
        Conditioning uncond = Conditioning.of(Tensor.full(-1f, 1, 2, 3));
        double scale = 10;
        CfgDenoiser cfg = new CfgDenoiser(model, new TimestepsDenoiser(SD, Parameterization.EPSILON),
                CondSchedule.simple(cond, uncond), scale);
        int[] ts = {1, 501};
        float[] x = {0.7f, -0.9f};
        SamplingContext ctx = new SamplingContext(cfg, () -> Tensor.zeros(1, 1, 1, 2), null,
                SamplerParams.DEFAULTS.withEta(0), null, null);
        float[] out = new Ddim(true).sample(Tensor.of(x.clone(), 1, 1, 1, 2), ts, SD, ctx).toFloatArray();
        double a = SD.alphaCumprod(501);
        double ap = SD.alphaCumprod(1);
        for (int i = 0; i < 2; i++) {
            double guided = eu[i] + (ec[i] - eu[i]) * scale / 12.5;
            double x0 = (x[i] - Math.sqrt(1 - a) * guided) / Math.sqrt(a);
            double expected = Math.sqrt(ap) * x0 + Math.sqrt(1 - ap) * eu[i];
            assertEquals(expected, out[i], 1e-5, "element " + i);
        }
        var plain = new SamplingContext((xt, t) -> xt, null, null, SamplerParams.DEFAULTS, null, null);
        assertThrows(IllegalArgumentException.class, () -> new Ddim(true).sample(Tensor.zeros(1, 1, 1, 2), ts, SD, plain));
    }

    @Test
    void vPredictionIsConvertedToEps() {
        float[] v = {0.5f, -0.25f};
        float[] x = {1f, 2f};
        Tensor e = new TimestepsDenoiser(SD, Parameterization.V).denoise((xi, t, c) -> Tensor.of(v.clone(), 1, 1, 1, 2),
                Tensor.of(x.clone(), 1, 1, 1, 2), new float[] {300}, Conditioning.of(Tensor.zeros(1, 2, 3)));
        double a = SD.alphaCumprod(300);
        for (int i = 0; i < 2; i++) {
            assertEquals(Math.sqrt(a) * v[i] + Math.sqrt(1 - a) * x[i], e.getFlat(i), 1e-6);
        }
    }

    @Test
    void img2imgStart() {
        int[] ts = Timesteps.webui(10, false);
        Tensor init = Tensor.full(2f, 1, 1, 1, 1);
        Tensor noise = Tensor.full(1f, 1, 1, 1, 1);
        Timesteps.Start s = Timesteps.img2img(ts, 10, 0.5, init, noise, SD);
        assertEquals(5, s.timesteps().length);
        double a = SD.alphaCumprod(ts[5]);
        assertEquals(2 * Math.sqrt(a) + Math.sqrt(1 - a), s.x().getFlat(0), 1e-6);
    }
}
