package jdiffusion.sampler.cfg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import jdiffusion.sampler.Fixtures;
import jdiffusion.sampler.SamplerInfo;
import jdiffusion.sampler.SamplerParams;
import jdiffusion.sampler.Samplers;
import jdiffusion.sampler.SamplingContext;
import jdiffusion.sampler.Ulp;
import jdiffusion.sampler.brownian.BrownianTreeNoiseSampler;
import jdiffusion.sampler.rng.ImageRng;
import jdiffusion.sampler.rng.RngSource;
import jdiffusion.sampler.schedule.DiscreteSchedule;
import jdiffusion.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The unet.* trajectories driven through our whole stack except the UNet: ImageRng / Brownian-tree
 * noise, the sampler, the CFG denoiser and the CompVisDenoiser wrapper, with a "replayed UNet" that
 * returns the recorded ε of call k after checking what it was given (scaled input {@code unet_x},
 * timesteps {@code unet_t}, and the [cond, uncond] context rows). Everything is compared bit for bit.
 */
class CfgFixtureTest {
    private static final DiscreteSchedule SD = DiscreteSchedule.stableDiffusion();

    @ParameterizedTest
    @ValueSource(strings = {"euler", "euler_a", "heun", "lms", "dpm2", "dpm2_a", "dpmpp_2m", "dpmpp_2s_a",
        "dpmpp_sde", "dpmpp_2m_sde", "dpmpp_2m_sde_heun", "dpmpp_3m_sde"})
    void unetTrajectoryThroughCfgWithReplayedUnet(String name) {
        try (Fixtures f = Fixtures.open("samplers/unet." + name + ".safetensors")) {
            SamplerInfo info = Samplers.byName(f.metadata().get("sampler"));
            float[] sigmas = f.floats("sigmas");
            Tensor cond = f.tensor("cond");
            Tensor uncond = f.tensor("uncond");
            float[] condRows = concat(cond.toFloatArray(), uncond.toFloatArray());
            List<String> failures = new ArrayList<>();
            int[] k = {0};
            DiffusionModel unet = (xIn, t, c) -> {
                String p = "call." + k[0]++ + ".";
                assertEquals(0, Ulp.mismatches(f.floats(p + "unet_x"), xIn.toFloatArray()), p + "unet_x");
                assertArrayEquals(f.floats(p + "unet_t"), t, p + "unet_t");
                assertArrayEquals(condRows, c.crossattn().toFloatArray(), p + "context rows [cond, uncond]");
                return f.tensor(p + "eps");
            };
            CfgDenoiser cfg = new CfgDenoiser(unet, new CompVisDenoiser(SD, Parameterization.EPSILON),
                    CondSchedule.simple(Conditioning.of(cond), Conditioning.of(uncond)), f.scalar("cfg_scale"));
            int[] call = {0};
            jdiffusion.sampler.Denoiser checked = (x, s) -> {
                String p = "call." + call[0]++ + ".";
                if (Ulp.mismatches(f.floats(p + "x"), x.toFloatArray()) != 0) {
                    failures.add(p + "x differs");
                }
                Tensor d = cfg.denoise(x, s);
                if (Ulp.mismatches(f.floats(p + "denoised"), d.toFloatArray()) != 0) {
                    failures.add(p + "denoised differs by up to " + Ulp.maxDistance(f.floats(p + "denoised"), d.toFloatArray()) + " ulp");
                }
                return d;
            };
            long seed = 12345;
            int[] item = {4, 8, 8};
            ImageRng rng = ImageRng.of(RngSource.CPU.factory(), item, seed);
            float[] x0 = rng.next().toFloatArray();
            for (int i = 0; i < x0.length; i++) {
                x0[i] *= sigmas[0];
            }
            assertEquals(0, Ulp.mismatches(f.floats("x_init"), x0));
            SamplingContext ctx = new SamplingContext(checked, rng,
                    info.brownianNoise() ? BrownianTreeNoiseSampler.forSchedule(item, sigmas, new long[] {seed}, RngSource.CPU.factory()) : null,
                    info.effective(SamplerParams.DEFAULTS), null, null);
            Tensor out = info.create().sample(Tensor.of(x0, 1, 4, 8, 8), sigmas, ctx);
            assertTrue(failures.isEmpty(), String.join("\n", failures));
            assertEquals(0, Ulp.mismatches(f.floats("x_final"), out.toFloatArray()), "x_final");
            assertEquals(cfg.step(), cfg.modelCalls(), "one UNet call per denoiser call");
        }
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = new float[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
