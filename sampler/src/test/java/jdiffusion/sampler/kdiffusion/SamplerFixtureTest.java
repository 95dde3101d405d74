package jdiffusion.sampler.kdiffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import jdiffusion.sampler.Denoiser;
import jdiffusion.sampler.KSampler;
import jdiffusion.sampler.NoiseSampler;
import jdiffusion.sampler.NoiseSource;
import jdiffusion.sampler.SamplerInfo;
import jdiffusion.sampler.SamplerParams;
import jdiffusion.sampler.Samplers;
import jdiffusion.sampler.SamplingContext;
import jdiffusion.sampler.Ulp;
import jdiffusion.sampler.brownian.BrownianTreeNoiseSampler;
import jdiffusion.sampler.rng.ImageRng;
import jdiffusion.sampler.rng.RngSource;
import jdiffusion.sampler.schedule.DiscreteSchedule;
import jdiffusion.sampler.schedule.Scheduler;
import jdiffusion.sampler.schedule.SchedulerOptions;
import jdiffusion.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every sampler trajectory of testdata/samplers: each denoiser input {@code call.k.x}, each callback
 * record and {@code x_final} reproduced within 1e-5 × max(1, max|x|).
 *
 * <p>analytic.*: the exact Gaussian denoiser, computed here. unet.*: a "replayed denoiser" that returns
 * the recorded {@code call.k.denoised} for call k (the tiny UNet lives in another module); this checks
 * the sampler arithmetic alone, so the analytic tolerance applies to it too.
 */
class SamplerFixtureTest {
    private static final double TOL = 1e-5;
    private static final DiscreteSchedule SD = DiscreteSchedule.stableDiffusion();

    /** D(x, σ) = a·x + b·c, a = s2/(s2 + σ²), b = σ²/(s2 + σ²), in float32. */
    private static Denoiser analytic(float[] c, float s2) {
        return (x, sigmas) -> {
            float[] xs = x.toFloatArray();
            int per = xs.length / sigmas.length;
            float[] out = new float[xs.length];
            for (int b = 0; b < sigmas.length; b++) {
                float sig2 = sigmas[b] * sigmas[b];
                float a = s2 / (s2 + sig2);
                float w = sig2 / (s2 + sig2);
                for (int i = b * per; i < (b + 1) * per; i++) {
                    out[i] = a * xs[i] + w * c[i];
                }
            }
            return Tensor.of(out, x.shape());
        };
    }

    /** Wraps a denoiser: checks each call's input against call.k.x / call.k.sigma, and its output. */
    private static Denoiser recording(SamplerFixture fx, Denoiser inner, boolean replay) {
        int[] k = {0};
        return (x, sigmas) -> {
            String p = "call." + k[0]++ + ".";
            if (!fx.f.has(p + "x")) {
                throw new AssertionError(fx.file + ": more denoiser calls than recorded (" + p + ")");
            }
            fx.compare(p + "x", fx.f.floats(p + "x"), x.toFloatArray(), TOL);
            float[] es = fx.f.floats(p + "sigma");
            for (int b = 0; b < sigmas.length; b++) {
                fx.compareSigma(p + "sigma", es[b], sigmas[b]);
            }
            Tensor out = replay ? fx.tensor(p + "denoised") : inner.denoise(x, sigmas);
            if (!replay) {
                fx.compare(p + "denoised", fx.f.floats(p + "denoised"), out.toFloatArray(), TOL);
            }
            return out;
        };
    }

    private static void run(String file, boolean analytic, boolean generatedNoise) {
        try (SamplerFixture fx = new SamplerFixture(file)) {
            SamplerInfo info = Samplers.byName(fx.meta("sampler"));
            assertEquals(fx.meta("k_diffusion_function"), info.function(), file);
            assertEquals(Boolean.parseBoolean(fx.meta("discard_next_to_last_sigma").toLowerCase()),
                    info.discardPenultimate(), file);
            float[] sigmas = fx.f.floats("sigmas");
            int steps = Integer.parseInt(fx.meta("steps"));
            // The webui default schedule for this sampler reproduces the recorded sigmas.
            float[] ours = info.sigmas(Scheduler.AUTOMATIC, steps, SD, SchedulerOptions.DEFAULTS).values();
            assertTrue(Ulp.maxDistance(sigmas, ours) <= 1, file + ": sigmas " + Arrays.toString(ours));

            Tensor xInit = fx.tensor("x_init");
            long[] seeds = Arrays.stream(fx.meta("seeds").replaceAll("[\\[\\] ]", "").split(","))
                    .mapToLong(Long::parseLong).toArray();
            int[] shape = xInit.shape();
            int[] item = Arrays.copyOfRange(shape, 1, shape.length);
            NoiseSource randn = fx.recordedRandn();
            NoiseSampler ns = info.brownianNoise() ? fx.recordedNoiseSampler() : null;
            Tensor x = xInit;
            if (generatedNoise) {
                ImageRng rng = ImageRng.of(RngSource.CPU.factory(), item, seeds);
                Tensor noise = rng.next();
                fx.compare("noise_init", fx.f.floats("noise_init"), noise.toFloatArray(), 0);
                float[] xi = noise.toFloatArray();
                for (int i = 0; i < xi.length; i++) {
                    xi[i] *= sigmas[0];
                }
                x = Tensor.of(xi, shape);
                randn = rng;
                ns = info.brownianNoise()
                        ? BrownianTreeNoiseSampler.forSchedule(item, sigmas, seeds, RngSource.CPU.factory()) : null;
            }
            fx.compare("x_init", fx.f.floats("x_init"), x.toFloatArray(), 0);

            Denoiser inner = analytic ? analytic(fx.f.floats("c"), fx.f.scalar("s2")) : null;
            int[] stepIndex = {0};
            SamplingContext ctx = new SamplingContext(recording(fx, inner, !analytic), randn, ns,
                    info.effective(SamplerParams.DEFAULTS), s -> {
                        String p = "step." + stepIndex[0]++ + ".";
                        assertEquals(stepIndex[0] - 1, s.step());
                        fx.compare(p + "x", fx.f.floats(p + "x"), s.x().toFloatArray(), TOL);
                        fx.compare(p + "denoised", fx.f.floats(p + "denoised"), s.denoised().toFloatArray(), TOL);
                        fx.compareSigma(p + "sigma", fx.f.scalar(p + "sigma"), s.sigma());
                        fx.compareSigma(p + "sigma_hat", fx.f.scalar(p + "sigma_hat"), s.sigmaHat());
                    }, null);
            KSampler sampler = info.create();
            Tensor out = sampler.sample(x, sigmas, ctx);
            fx.compare("x_final", fx.f.floats("x_final"), out.toFloatArray(), TOL);
            assertEquals(fx.count("call.", ".x"), ctx.modelCalls(), file + ": model calls");
            assertEquals(fx.count("step.", ".x"), stepIndex[0], file + ": steps");
            assertTrue(fx.failures.isEmpty(), file + (generatedNoise ? " (generated noise)" : "") + ":\n"
                    + String.join("\n", fx.failures));
            System.out.printf("%-28s %s worst relative error %.2e%n", file, generatedNoise ? "generated" : "recorded ",
                    fx.worst);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"euler", "euler_a", "heun", "lms", "dpm2", "dpm2_a", "dpmpp_2m", "dpmpp_2s_a",
        "dpmpp_sde", "dpmpp_2m_sde", "dpmpp_2m_sde_heun", "dpmpp_3m_sde"})
    void analyticDenoiserWithRecordedNoise(String name) {
        run("analytic." + name, true, false);
    }

    @ParameterizedTest
    @ValueSource(strings = {"euler", "euler_a", "heun", "lms", "dpm2", "dpm2_a", "dpmpp_2m", "dpmpp_2s_a",
        "dpmpp_sde", "dpmpp_2m_sde", "dpmpp_2m_sde_heun", "dpmpp_3m_sde"})
    void analyticDenoiserWithOurImageRngAndBrownianTree(String name) {
        run("analytic." + name, true, true);
    }

    @ParameterizedTest
    @ValueSource(strings = {"euler", "euler_a", "heun", "lms", "dpm2", "dpm2_a", "dpmpp_2m", "dpmpp_2s_a",
        "dpmpp_sde", "dpmpp_2m_sde", "dpmpp_2m_sde_heun", "dpmpp_3m_sde"})
    void unetTrajectoryWithReplayedDenoiser(String name) {
        run("unet." + name, false, false);
    }

    @ParameterizedTest
    @ValueSource(strings = {"analytic.lms", "unet.lms"})
    void lmsCoefficientsMatchScipyQuad(String file) {
        try (SamplerFixture fx = new SamplerFixture(file)) {
            float[] sigmas = fx.f.floats("sigmas");
            for (int i = 0; fx.f.has("lms_coeff." + i); i++) {
                double[] expected = fx.f.doubles("lms_coeff." + i);
                double[] actual = LmsCoefficients.coefficients(Math.min(i + 1, 4), sigmas, i);
                assertEquals(expected.length, actual.length);
                for (int j = 0; j < expected.length; j++) {
                    assertEquals(expected[j], actual[j], 1e-13 * Math.max(1, Math.abs(expected[j])),
                            file + " step " + i + " j " + j);
                }
            }
        }
    }
}
