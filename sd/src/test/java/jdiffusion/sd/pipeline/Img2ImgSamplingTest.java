package jdiffusion.sd.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdiffusion.sampler.rng.ImageRng;
import jdiffusion.sampler.rng.RngSource;
import jdiffusion.sampler.schedule.DiscreteSchedule;
import jdiffusion.sampler.schedule.Scheduler;
import jdiffusion.sampler.schedule.SchedulerOptions;
import jdiffusion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Spec img2img.md §8 checks 2–5 through the public API: denoiser call counts, the σ of the first call,
 * the start latent with noise multiplier and extra noise, DDIM's timesteps, and denoising strength 0.
 */
class Img2ImgSamplingTest {
    private static final Pipeline PIPELINE = new Pipeline(TinyModels.sd15());

    private static TensorRecorder run(String sampler, String scheduler, int steps, double d, Img2ImgSettings.Builder b) {
        GenerationSettings gs = GenerationSettings.builder().prompt("a barn").sampler(sampler).scheduler(scheduler)
                .steps(steps).seed(42).size(64, 64).rng(RngSource.CPU).build();
        TensorRecorder rec = new TensorRecorder();
        GenerationResult r = PIPELINE.img2img(new Img2ImgRequest(gs, b.denoisingStrength(d).build()), rec, null);
        rec.info = r.images().getFirst().infotext();
        rec.output = r.images().getFirst().image();
        return rec;
    }

    private static Img2ImgSettings.Builder plain() {
        return Img2ImgSettings.builder(Canvas.img2img(TinyModels.picture(64, 64)));
    }

    @Test
    void karrasTwentyStepsAtThreeQuartersMakesSixteenCallsFromSigmaOfStepFour() {
        TensorRecorder rec = run("Euler", "Karras", 20, 0.75, plain());
        assertEquals(16, rec.calls(), "t_enc + 1 calls for a first-order sampler");
        assertEquals(5.78942, rec.get("call.0.sigma").toFloatArray()[0], 1e-5);
        assertTrue(rec.info.contains("Schedule type: Karras") && rec.info.contains("Denoising strength: 0.75"), rec.info);
    }

    @Test
    void startLatentCarriesTheMultipliedNoiseAndTheExtraNoise() {
        TensorRecorder rec = run("Euler", "Automatic", 4, 0.5, plain().noiseMultiplier(0.5).extraNoise(0.2));
        float[] z0 = rec.get("init_latent").toFloatArray();
        float[] x = rec.get("x_start").toFloatArray();
        float[] n = ImageRng.of(RngSource.CPU.factory(), new int[] {4, 8, 8}, 42).next().toFloatArray();
        float[] sigmas = rec.get("sigmas").toFloatArray();
        for (int i = 0; i < x.length; i++) {
            double expected = z0[i] + n[i] * 0.5 * sigmas[0] + n[i] * 0.5 * 0.2;
            assertEquals(expected, x[i], 1e-5, "x_start[" + i + "]");
        }
        assertTrue(rec.info.contains("Noise multiplier: 0.5") && rec.info.contains("Extra noise: 0.2"), rec.info);
        assertFalse(run("Euler", "Automatic", 4, 0.5, plain()).info.contains("Noise multiplier"));
    }

    @Test
    void ddimStartsAtAlphaOfT501AndCallsTheModelAt451Down51() {
        TensorRecorder rec = run("DDIM", "Automatic", 20, 0.5, plain());
        assertEquals(9, rec.calls());
        for (int k = 0; k < 9; k++) {
            assertEquals(451 - 50 * k, rec.get("call." + k + ".sigma").toFloatArray()[0], 0f, "timestep of call " + k);
        }
        DiscreteSchedule sd = TinyModels.sd15().schedule();
        float a = sd.alphaCumprod(501);
        float[] z0 = rec.get("init_latent").toFloatArray();
        float[] n = ImageRng.of(RngSource.CPU.factory(), new int[] {4, 8, 8}, 42).next().toFloatArray();
        float[] x = rec.get("x_start").toFloatArray();
        for (int i = 0; i < x.length; i++) {
            assertEquals(Math.sqrt(a) * z0[i] + Math.sqrt(1 - a) * n[i], x[i], 1e-5, "x_start[" + i + "]");
        }
    }

    @Test
    void strengthZero() {
        // k-diffusion: one call at σ_min, and the result is the model's estimate, not the input.
        TensorRecorder rec = run("Euler", "Karras", 20, 0.0, plain());
        assertEquals(1, rec.calls());
        assertEquals(TinyModels.sd15().schedule().sigmaMin(), rec.get("call.0.sigma").toFloatArray()[0], 1e-6);
        assertFalse(sameValues(rec.get("init_latent"), rec.get("x_final")));
        // DDIM/PLMS: no call; the result is x_start.
        TensorRecorder ddim = run("DDIM", "Automatic", 20, 0.0, plain());
        assertEquals(0, ddim.calls());
        assertTrue(sameValues(ddim.get("x_start"), ddim.get("x_final")));
        // With "do exactly the amount of steps": no sampler step at all, the VAE round trip of the input.
        TensorRecorder fixed = run("Euler", "Automatic", 20, 0.0, plain().fixSteps(true));
        assertEquals(0, fixed.calls());
        assertTrue(sameValues(fixed.get("init_latent"), fixed.get("x_final")));
    }

    @Test
    void fixStepsStretchesTheSchedule() {
        // N = 4, d = 0.5 with fixed steps: an 8-step schedule, t_enc = 3, 4 calls from σ8[8 − 3 − 1].
        TensorRecorder rec = run("Euler", "Karras", 4, 0.5, plain().fixSteps(true));
        assertEquals(4, rec.calls());
        float[] s8 = Scheduler.KARRAS.sigmas(8, TinyModels.sd15().schedule(), SchedulerOptions.DEFAULTS);
        assertEquals(s8[4], rec.get("call.0.sigma").toFloatArray()[0], 0f);
    }

    static boolean sameValues(Tensor a, Tensor b) {
        return java.util.Arrays.equals(a.toFloatArray(), b.toFloatArray());
    }
}
