package jdiffusion.sd.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import jdiffusion.sampler.rng.ImageRng;
import jdiffusion.sampler.rng.RngSource;
import jdiffusion.sd.image.CropRegion;
import jdiffusion.sd.image.Decode;
import jdiffusion.sd.image.Image;
import jdiffusion.sd.image.Img2ImgImages;
import jdiffusion.sd.image.MaskedContent;
import jdiffusion.sd.image.Mode;
import jdiffusion.sd.image.PrepSettings;
import jdiffusion.sd.image.ResizeMode;
import jdiffusion.sd.image.soft.SoftInpaintSettings;
import jdiffusion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Spec img2img.md §8 checks on masks, masked content, Only masked and the overlay, through the public API. */
class InpaintInvariantsTest {
    private static final Pipeline PIPELINE = new Pipeline(TinyModels.sd15());
    private static final Image PICTURE = TinyModels.picture(64, 64);
    private static final Image MASK = TinyModels.rectMask(64, 64, 16, 20, 44, 48);

    static GenerationSettings.Builder settings(String sampler, int steps) {
        return GenerationSettings.builder().prompt("a barn").negativePrompt("blurry").sampler(sampler).steps(steps)
                .seed(7).size(64, 64).rng(RngSource.CPU);
    }

    static TensorRecorder run(Pipeline p, GenerationSettings gs, Img2ImgSettings s) {
        TensorRecorder rec = new TensorRecorder();
        GenerationResult r = p.img2img(new Img2ImgRequest(gs, s), rec, null);
        rec.info = r.images().getFirst().infotext();
        rec.output = r.images().getFirst().image();
        rec.result = r;
        return rec;
    }

    private static float[] nmask(TensorRecorder rec) {
        return rec.get("latent_mask").toFloatArray();
    }

    @Test
    void keptRegionStaysTheOriginalLatentInEveryCallAndInTheEnd() {
        // Heun: the second evaluation of each step is blended too (check 22); final latent = z0 where nm = 0 (check 24).
        Img2ImgSettings s = Img2ImgSettings.builder(Canvas.inpaint(PICTURE, MASK)).denoisingStrength(0.6).build();
        TensorRecorder rec = run(PIPELINE, settings("Heun", 4).build(), s);
        float[] nm = nmask(rec);
        float[] z0 = rec.get("init_latent").toFloatArray();
        int kept = 0;
        for (int k = 0; k < rec.calls(); k++) {
            float[] d = rec.get("call." + k + ".denoised").toFloatArray();
            for (int i = 0; i < d.length; i++) {
                if (nm[i % nm.length] == 0f) {
                    assertEquals(z0[i], d[i], 0f, "call " + k + " kept value " + i);
                    kept++;
                }
            }
        }
        assertTrue(kept > 0 && rec.calls() == 5, "Heun, 3 steps from t_enc 2: 2·2 + 1 calls, got " + rec.calls());
        float[] x = rec.get("x_final").toFloatArray();
        for (int i = 0; i < x.length; i++) {
            if (nm[i % nm.length] == 0f) {
                assertEquals(z0[i], x[i], 0f, "final latent " + i);
            }
        }
        // Pixels whose (doubled) overlay mask is 0 are the input pixels; the infotext names the mask settings.
        Img2ImgImages.Prepared p = Img2ImgImages.prepare(PICTURE, MASK, PrepSettings.defaults(64, 64));
        assertTrue(Compare.keptPixels("whole picture", p.maskForOverlay(), PICTURE, rec.output) > 0);
        assertTrue(rec.info.contains("Denoising strength: 0.6, RNG: CPU, Mask blur: 4,"), rec.info);
        assertFalse(rec.info.contains("Masked content"), rec.info);
    }

    @Test
    void ddimBlendsTheModelInputWithTheNoiseFreeLatent() {
        // Check 23: with mask_before_denoising the UNet input is z0 where nm = 0; check 24: so is the final latent.
        Img2ImgSettings s = Img2ImgSettings.builder(Canvas.inpaint(PICTURE, MASK)).denoisingStrength(0.5).build();
        TensorRecorder rec = run(PIPELINE, settings("DDIM", 8).build(), s);
        float[] nm = nmask(rec);
        float[] z0 = rec.get("init_latent").toFloatArray();
        assertEquals(3, rec.calls());
        for (int k = 0; k < rec.calls(); k++) {
            float[] in = rec.get("call." + k + ".model_x").toFloatArray();
            float[] x = rec.get("call." + k + ".x").toFloatArray();
            for (int i = 0; i < in.length; i++) {
                float m = nm[i % nm.length];
                assertEquals(m == 0f ? z0[i] : x[i], in[i], 0f, "model input of call " + k + " at " + i);
            }
        }
        float[] fin = rec.get("x_final").toFloatArray();
        int kept = 0;
        for (int i = 0; i < fin.length; i++) {
            if (nm[i % nm.length] == 0f) {
                assertEquals(z0[i], fin[i], 0f);
                kept++;
            }
        }
        assertTrue(kept > 0, "the mask keeps part of the latent");
    }

    @Test
    void latentNothingAndLatentNoise() {
        Img2ImgSettings nothing = Img2ImgSettings.builder(Canvas.inpaintUpload(PICTURE, MASK))
                .maskedContent(MaskedContent.LATENT_NOTHING).denoisingStrength(0.5).build();
        TensorRecorder rec = run(PIPELINE, settings("Euler", 2).build(), nothing);
        float[] nm = nmask(rec);
        float[] z0 = rec.get("init_latent").toFloatArray();
        float[] vae = rec.get("init_latent_vae").toFloatArray();
        int masked = 0;
        int kept = 0;
        for (int i = 0; i < z0.length; i++) {
            float m = nm[i % nm.length];
            if (m == 1f) {
                assertEquals(0f, z0[i], 0f, "latent nothing: z0 = 0 under the mask");
                masked++;
            } else if (m == 0f) {
                assertEquals(vae[i], z0[i], 0f);
                kept++;
            }
        }
        assertTrue(masked > 0 && kept > 0, "both fully masked and fully kept latent values are checked");
        assertTrue(rec.info.contains("Masked content: latent nothing"), rec.info);

        Img2ImgSettings noise = nothing.toBuilder().maskedContent(MaskedContent.LATENT_NOISE).build();
        TensorRecorder rn = run(PIPELINE, settings("Euler", 2).batchSize(2).build(), noise);
        float[] n = ImageRng.of(RngSource.CPU.factory(), new int[] {4, 8, 8}, 7, 8).next().toFloatArray();
        float[] zn = rn.get("init_latent").toFloatArray();
        int noised = 0;
        for (int i = 0; i < zn.length; i++) {
            if (nm[i % nm.length] == 1f) {
                assertEquals(n[i], zn[i], 0f, "latent noise = the first draw of each image's seed");
                noised++;
            }
        }
        assertTrue(noised > 0, "some latent values are under the mask");
        assertTrue(rn.info.contains("Masked content: latent noise"), rn.info);
    }

    @Test
    void onlyMaskedKeepsTheInputSizeAndEverythingOutsideTheBox() {
        Image big = TinyModels.picture(96, 80);
        Image mask = TinyModels.rectMask(96, 80, 40, 30, 60, 50);
        Img2ImgSettings s = Img2ImgSettings.builder(Canvas.inpaintUpload(big, mask)).inpaintArea(InpaintArea.ONLY_MASKED)
                .onlyMaskedPadding(8).maskedContent(MaskedContent.FILL).denoisingStrength(0.7).build();
        TensorRecorder rec = run(PIPELINE, settings("Euler", 3).build(), s);
        assertEquals(96, rec.output.width());
        assertEquals(80, rec.output.height());
        PrepSettings ps = PrepSettings.defaults(64, 64).withMask(4, false, MaskedContent.FILL, true, 8);
        CropRegion box = Img2ImgImages.prepare(big, mask, ps).cropRegion();
        int outside = 0;
        for (int y = 0; y < 80; y++) {
            for (int x = 0; x < 96; x++) {
                if (x < box.x1() || x >= box.x2() || y < box.y1() || y >= box.y2()) {
                    outside++;
                    for (int c = 0; c < 3; c++) {
                        assertEquals(big.get(x, y, c), rec.output.get(x, y, c), "pixel outside the crop box");
                    }
                }
            }
        }
        assertTrue(outside > 0);
        assertTrue(rec.info.contains("Inpaint area: Only masked, Masked area padding: 8, Masked content: fill"), rec.info);
    }

    @Test
    void blankMasks() {
        Image blank = Image.blank(64, 64, Mode.L);
        // Only masked: falls back to img2img of the whole picture, with the webui's comment and no overlay.
        Img2ImgSettings only = Img2ImgSettings.builder(Canvas.inpaintUpload(PICTURE, blank))
                .inpaintArea(InpaintArea.ONLY_MASKED).denoisingStrength(0.5).build();
        TensorRecorder r1 = run(PIPELINE, settings("Euler", 2).build(), only);
        assertEquals(List.of(Img2ImgImages.BLANK_ONLY_MASKED), r1.result.comments());
        assertFalse(r1.info.contains("Inpaint area"), r1.info);
        Tensor d = r1.get("decoded");
        assertTrue(Decode.toImage(d.toFloatArray(), 64, 64).sameAs(r1.output), "regenerated, no overlay");
        // Whole picture: nm ≡ 0, so the output is the input pixel for pixel (sampling still ran).
        Img2ImgSettings whole = only.toBuilder().inpaintArea(InpaintArea.WHOLE_PICTURE).build();
        TensorRecorder r2 = run(PIPELINE, settings("Euler", 2).build(), whole);
        assertTrue(r2.output.sameAs(PICTURE));
        assertEquals(2, r2.calls());
        assertTrue(Img2ImgSamplingTest.sameValues(r2.get("init_latent"), r2.get("x_final")));
        // Inverted blank mask = everything regenerated: the output is the decoded sample.
        TensorRecorder r3 = run(PIPELINE, settings("Euler", 2).build(), whole.toBuilder().maskMode(MaskMode.INPAINT_NOT_MASKED).build());
        Tensor d3 = r3.get("decoded");
        assertTrue(Decode.toImage(d3.toFloatArray(), 64, 64).sameAs(r3.output));
        assertTrue(r3.info.contains("Mask mode: Inpaint not masked"), r3.info);
    }

    @Test
    void latentUpscaleResizesTheEncodedLatentBilinearly() {
        Image small = TinyModels.picture(48, 48);
        Img2ImgSettings s = Img2ImgSettings.builder(Canvas.img2img(small)).resizeMode(ResizeMode.LATENT_UPSCALE)
                .denoisingStrength(0.5).build();
        TensorRecorder rec = run(PIPELINE, settings("Euler", 2).build(), s);
        Tensor vae = rec.get("init_latent_vae"); // [1, 4, 6, 6]
        Tensor z0 = rec.get("init_latent");      // [1, 4, 8, 8]
        assertEquals(8, z0.dim(2));
        for (int c = 0; c < 4; c++) {
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    double sy = Math.max(0, (y + 0.5) * 6 / 8 - 0.5);
                    double sx = Math.max(0, (x + 0.5) * 6 / 8 - 0.5);
                    int y0 = (int) sy;
                    int x0 = (int) sx;
                    int y1 = Math.min(y0 + 1, 5);
                    int x1 = Math.min(x0 + 1, 5);
                    double v = (1 - (sy - y0)) * ((1 - (sx - x0)) * vae.get(0, c, y0, x0) + (sx - x0) * vae.get(0, c, y0, x1))
                            + (sy - y0) * ((1 - (sx - x0)) * vae.get(0, c, y1, x0) + (sx - x0) * vae.get(0, c, y1, x1));
                    assertEquals(v, z0.get(0, c, y, x), 1e-5);
                }
            }
        }
        assertEquals(64, rec.output.width());
    }

    @Test
    void softInpaintingKeepsFractionalMasksAndSkipsTheFinalBlend() {
        Img2ImgSettings s = Img2ImgSettings.builder(Canvas.inpaint(PICTURE, MASK)).maskBlur(8)
                .softInpainting(SoftInpaintSettings.DEFAULT).denoisingStrength(0.75).build();
        TensorRecorder rec = run(PIPELINE, settings("DPM++ 2M", 3).build(), s);
        float[] nm = nmask(rec);
        boolean fractional = false;
        for (float v : nm) {
            fractional |= v > 0 && v < 1;
        }
        assertTrue(fractional, "mask_round is off with Soft Inpainting");
        assertFalse(Img2ImgSamplingTest.sameValues(rec.get("x_sampled"), rec.get("init_latent")));
        assertTrue(Img2ImgSamplingTest.sameValues(rec.get("x_sampled"), rec.get("x_final")), "no final blend");
        assertTrue(rec.info.contains("Soft inpainting enabled: True, Soft inpainting schedule bias: 1.0"), rec.info);
    }

    @Test
    void inpaintSketchTurnsStrokesIntoTheMask() {
        Image strokes = PICTURE.copy();
        for (int y = 24; y < 40; y++) {
            for (int x = 24; x < 40; x++) {
                strokes.set(x, y, 0, 250);
                strokes.set(x, y, 1, 10);
            }
        }
        Img2ImgSettings s = Img2ImgSettings.builder(Canvas.inpaintSketch(strokes, PICTURE)).denoisingStrength(0.5).build();
        TensorRecorder rec = run(PIPELINE, settings("Euler", 2).build(), s);
        float[] nm = nmask(rec);
        assertEquals(1f, nm[4 * 8 + 4], 0f, "the stroke area is regenerated");
        assertEquals(0f, nm[0], 0f, "the corner is kept");
        assertTrue(rec.info.contains("Mask blur: 4"), rec.info);
    }

    @Test
    void initImagesAndBatchSize() {
        Img2ImgSettings two = Img2ImgSettings.builder(Canvas.img2img(PICTURE, TinyModels.picture(64, 64))).denoisingStrength(0.3)
                .build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PIPELINE.img2img(new Img2ImgRequest(settings("Euler", 2).build(), two), null, null));
        assertEquals("bad number of images passed: 2; expecting 1 or less", e.getMessage());
        GenerationResult r = PIPELINE.img2img(new Img2ImgRequest(settings("Euler", 2).batchSize(3).build(), two), null, null);
        assertEquals(2, r.images().size(), "fewer init images than the batch size reduce it");
        assertEquals(List.of(7L, 8L), r.seeds().subList(0, 2));
    }
}
