package jdiffusion.sd.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import jdiffusion.sampler.Samplers;
import jdiffusion.sampler.rng.ImageRng;
import jdiffusion.sampler.rng.RngSource;
import jdiffusion.sampler.schedule.Scheduler;
import jdiffusion.sampler.schedule.SchedulerOptions;
import jdiffusion.sd.infotext.InfotextParser;
import jdiffusion.tensor.Tensor;
import jdiffusion.tensor.cpu.CpuBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** txt2img and hires fix on tiny-sd15: start latent, call counts, sizes, infotext, determinism. */
class Txt2ImgTest {
    private static SdModel model;
    private static Pipeline pipeline;

    @BeforeAll
    static void load() throws IOException {
        model = SdModel.load(new CpuBackend(), TestFiles.file("models/tiny-sd15.safetensors"), ModelOptions.defaults(), null);
        pipeline = new Pipeline(model);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static GenerationSettings.Builder base() {
        return GenerationSettings.builder().prompt("a red barn").negativePrompt("blurry").sampler("Euler a").steps(4)
                .seed(1234).size(64, 64).rng(RngSource.CPU);
    }

    @Test
    void startsFromNoiseTimesSigmaMaxAndIsDeterministic() {
        TensorRecorder rec = new TensorRecorder();
        GenerationResult r = pipeline.txt2img(Txt2ImgRequest.of(base().build()), rec, null);
        GeneratedImage img = r.images().getFirst();
        assertEquals(64, img.image().width());
        assertEquals(64, img.image().height());
        // x_start = the seed's first CPU draw × σ0 of the sampler's default (uniform) schedule
        Tensor noise = ImageRng.of(RngSource.CPU.factory(), new int[] {4, 8, 8}, 1234).next();
        float[] sigmas = Samplers.byName("Euler a").sigmas(Scheduler.AUTOMATIC, 4, model.schedule(), SchedulerOptions.DEFAULTS)
                .values();
        float[] n = noise.toFloatArray();
        float[] xs = rec.get("x_start").toFloatArray();
        for (int i = 0; i < n.length; i++) {
            assertEquals(n[i] * sigmas[0], xs[i], 0f, "x_start[" + i + "]");
        }
        assertEquals(4, rec.calls(), "one denoiser call per step");
        assertEquals(sigmas[0], rec.get("call.0.sigma").toFloatArray()[0], 0f);
        assertEquals("a red barn\nNegative prompt: blurry\nSteps: 4, Sampler: Euler a, Schedule type: Automatic, CFG scale: 7, "
                + "Seed: 1234, Size: 64x64, Model hash: " + model.hash() + ", Model: tiny-sd15, RNG: CPU, Version: "
                + Infotexts.VERSION, img.infotext());
        GenerationResult again = pipeline.txt2img(Txt2ImgRequest.of(base().build()), null, null);
        // Same settings, same pixels (within the ±1 rule: the CPU kernels' last bits differ before the JIT warms up).
        Compare.uint8("repeat run", img.image(), again.images().getFirst().image());
        assertEquals(List.of(Phase.TEXT, Phase.SAMPLING, Phase.VAE_DECODE, Phase.POSTPROCESS), rec.phases);
        assertEquals(4, rec.steps.size());
        assertEquals(64, rec.steps.getFirst().preview().get().getFirst().width(), "preview decodes the denoised latent");
    }

    @Test
    void batchesFollowTheWebuiSeedRules() {
        GenerationResult r = pipeline.txt2img(Txt2ImgRequest.of(base().batchSize(2).batchCount(2).build()), null, null);
        assertEquals(List.of(1234L, 1235L, 1236L, 1237L), r.seeds());
        assertEquals(4, r.images().size());
        // Batch-size invariance: image k of a batch equals the single-image run with its seed.
        GenerationResult single = pipeline.txt2img(Txt2ImgRequest.of(base().seed(1236).build()), null, null);
        Compare.uint8("batch invariance", single.images().getFirst().image(), r.images().get(2).image());
        assertTrue(r.images().get(3).infotext().contains("Seed: 1237,"));
        // A variation strength gives every image the same seed and subseeds seed + k.
        GenerationResult v = pipeline.txt2img(Txt2ImgRequest.of(base().batchSize(2).variation(77, 0.3).build()), null, null);
        assertEquals(List.of(1234L, 1234L), v.seeds());
        assertEquals(List.of(77L, 78L), v.subseeds());
        assertTrue(v.images().get(1).infotext().contains("Variation seed: 78, Variation seed strength: 0.3"));
    }

    @Test
    void hiresFixLatentUpscale() {
        HiresFix hr = HiresFix.builder().scale(2).steps(3).denoisingStrength(0.5).build();
        TensorRecorder rec = new TensorRecorder();
        GenerationResult r = pipeline.txt2img(new Txt2ImgRequest(base().build(), hr), rec, null);
        GeneratedImage img = r.images().getFirst();
        assertEquals(128, img.image().width());
        assertEquals(128, img.image().height());
        // Hires pass: steps' = int(3 / 0.5) = 6, t_enc = 2 → 3 denoiser calls, starting at σ[6 − 2 − 1] of the 6-step schedule.
        int calls = 0;
        while (rec.tensors.containsKey("hires/call." + calls + ".x")) {
            calls++;
        }
        assertEquals(3, calls);
        float[] full = Samplers.byName("Euler a").sigmas(Scheduler.AUTOMATIC, 6, model.schedule(), SchedulerOptions.DEFAULTS)
                .values();
        assertEquals(full[3], rec.get("hires/call.0.sigma").toFloatArray()[0], 0f);
        // The upscaled latent is a bilinear (align_corners=False) resize of the first pass.
        Tensor low = rec.get("x_sampled");
        Tensor up = rec.get("hires/latent");
        assertArrayEquals(new int[] {1, 4, 16, 16}, up.shape());
        assertEquals(bilinear(low, 1, 5, 7), up.get(0, 1, 5, 7), 1e-6);
        assertEquals(bilinear(low, 3, 0, 15), up.get(0, 3, 0, 15), 1e-6);
        var p = InfotextParser.parse(img.infotext());
        assertEquals("0.5", p.get("Denoising strength"));
        assertEquals("2.0", p.get("Hires upscale"));
        assertEquals("3", p.get("Hires steps"));
        assertEquals("Latent", p.get("Hires upscaler"));
        assertEquals("64", p.get("Size-1"));
        assertFalse(img.infotext().contains("Hires schedule type"));
    }

    /** Naive align_corners=False bilinear of a 2× upscale at output (y, x), double precision. */
    private static double bilinear(Tensor t, int c, int y, int x) {
        int h = t.dim(2);
        int w = t.dim(3);
        double sy = Math.max(0, (y + 0.5) * h / (2.0 * h) - 0.5);
        double sx = Math.max(0, (x + 0.5) * w / (2.0 * w) - 0.5);
        int y0 = (int) sy;
        int x0 = (int) sx;
        int y1 = Math.min(y0 + 1, h - 1);
        int x1 = Math.min(x0 + 1, w - 1);
        double ly = sy - y0;
        double lx = sx - x0;
        return (1 - ly) * ((1 - lx) * t.get(0, c, y0, x0) + lx * t.get(0, c, y0, x1))
                + ly * ((1 - lx) * t.get(0, c, y1, x0) + lx * t.get(0, c, y1, x1));
    }

    @Test
    void hiresFixPixelUpscalerAndOwnPrompt() {
        HiresFix hr = HiresFix.builder().upscaler("Lanczos").resizeTo(128, 64).steps(2).denoisingStrength(0.3)
                .sampler("DPM++ 2M").prompt("a blue barn").build();
        GenerationResult r = pipeline.txt2img(new Txt2ImgRequest(base().build(), hr), null, null);
        GeneratedImage img = r.images().getFirst();
        // 64x64 to 128x64: the wider target is reached at 128x128 and 8 latent rows are cut (4 top, 4 bottom).
        assertEquals(128, img.image().width());
        assertEquals(64, img.image().height());
        var p = InfotextParser.parse(img.infotext());
        assertEquals("128", p.get("Hires resize-1"));
        assertEquals("64", p.get("Hires resize-2"));
        assertEquals("DPM++ 2M", p.get("Hires sampler"));
        assertEquals("a blue barn", p.get("Hires prompt"));
        assertEquals("Karras", p.get("Hires schedule type"));
        assertEquals("Lanczos", p.get("Hires upscaler"));
        // A hires sampler on the model's own uniform sigmas records no hires schedule (DPM++ 2M's Karras first pass).
        HiresFix euler = HiresFix.builder().steps(1).denoisingStrength(0.3).sampler("Euler").build();
        String info = pipeline.txt2img(new Txt2ImgRequest(base().sampler("DPM++ 2M").build(), euler), null, null)
                .images().getFirst().infotext();
        assertTrue(info.contains("Schedule type: Karras") && info.contains("Hires sampler: Euler"), info);
        assertFalse(info.contains("Hires schedule type"), info);
    }
}
