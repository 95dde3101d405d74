package jdiffusion.sd.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The image-side "checks a test could make" of the img2img spec (§8), plus bad-input behaviour. */
class WebuiInvariantsTest {
    private static Image gradient(int w, int h, long seed) {
        Random r = new Random(seed);
        Image im = Image.blank(w, h, Mode.RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                im.set(x, y, 0, x * 255 / w);
                im.set(x, y, 1, y * 255 / h);
                im.set(x, y, 2, r.nextInt(256));
            }
        }
        return im;
    }

    @Test
    void createBinaryMaskRules() {
        Image rgba = Image.blank(3, 1, Mode.RGBA);
        int[] alpha = {0, 129, 128};
        for (int x = 0; x < 3; x++) {
            rgba.set(x, 0, 0, 17 * x + 3);
            rgba.set(x, 0, 3, alpha[x]);
        }
        Image rounded = Masks.createBinaryMask(rgba, true);
        assertEquals("0,255,0", rounded.get(0, 0, 0) + "," + rounded.get(1, 0, 0) + "," + rounded.get(2, 0, 0));
        Image kept = Masks.createBinaryMask(rgba, false);
        assertEquals("0,129,128", kept.get(0, 0, 0) + "," + kept.get(1, 0, 0) + "," + kept.get(2, 0, 0));
        Image red = Image.filled(2, 2, Mode.RGB, 255, 0, 0);
        assertEquals(76, Masks.createBinaryMask(red, true).get(1, 1, 0), "opaque colour mask -> luma, no threshold");
        Image opaque = Image.filled(2, 2, Mode.RGBA, 255, 0, 0, 255);
        assertEquals(76, Masks.createBinaryMask(opaque, true).get(0, 0, 0), "all-opaque RGBA -> luma");
    }

    @Test
    void cropRegionExamples() {
        CropRegion r = new CropRegion(268, 168, 452, 292).expand(512, 512, 1024, 768);
        assertEquals(new CropRegion(268, 138, 452, 322), r);
        assertEquals(new CropRegion(0, 668, 100, 768), new CropRegion(0, 700, 100, 768).expand(512, 512, 1024, 768));
        assertEquals(new CropRegion(0, 10, 1024, 700), new CropRegion(10, 10, 30, 700).expand(768, 512, 1024, 768));
        assertEquals(new CropRegion(0, 0, 1024, 768), new CropRegion(0, 0, 1024, 700).expand(512, 512, 1024, 768));
        assertNull(CropRegion.of(Image.blank(8, 8, Mode.L), 4));
        Image m = Image.blank(20, 10, Mode.L);
        m.set(5, 3, 0, 1);
        m.set(9, 6, 0, 200);
        assertEquals(new CropRegion(5, 3, 10, 7), CropRegion.of(m, 0));
        assertEquals(new CropRegion(1, 0, 14, 10), CropRegion.of(m, 4));
    }

    @Test
    void resizeAndFillBands() {
        Image im = gradient(600, 400, 1);
        Image out = Resizer.lanczos().resize(ResizeMode.RESIZE_AND_FILL, im, 512, 512);
        Image fitted = Resample.resize(im, 512, 341, Resample.Filter.LANCZOS);
        for (int x = 0; x < 512; x += 7) {
            for (int c = 0; c < 3; c++) {
                int top = Math.max(0, Math.min(255, (9 * fitted.get(x, 0, c) - fitted.get(x, 1, c) + 4) >> 3));
                int bottom = Math.max(0, Math.min(255, (9 * fitted.get(x, 340, c) - fitted.get(x, 339, c) + 4) >> 3));
                for (int y = 0; y <= 85; y++) {
                    assertEquals(top, out.get(x, y, c), "top band row " + y);
                }
                for (int y = 86; y <= 426; y++) {
                    assertEquals(fitted.get(x, y - 86, c), out.get(x, y, c));
                }
                for (int y = 427; y < 512; y++) {
                    assertEquals(bottom, out.get(x, y, c), "bottom band row " + y);
                }
            }
        }
    }

    @Test
    void cropAndResizeIsTheCentreOfTheCover() {
        Image im = gradient(600, 400, 2);
        Image out = Resizer.lanczos().resize(ResizeMode.CROP_AND_RESIZE, im, 512, 512);
        Image cover = Resample.resize(im, 768, 512, Resample.Filter.LANCZOS);
        ImageAssert.exact(cover.crop(128, 0, 640, 512), out, "crop and resize");
    }

    @Test
    void resizeModesAndOutputModes() {
        Image mask = Image.blank(30, 20, Mode.L);
        mask.set(3, 4, 0, 255);
        Resizer rz = Resizer.lanczos();
        assertEquals(Mode.L, rz.resize(ResizeMode.JUST_RESIZE, mask, 16, 16).mode());
        for (ResizeMode m : new ResizeMode[] {ResizeMode.CROP_AND_RESIZE, ResizeMode.RESIZE_AND_FILL, ResizeMode.LATENT_UPSCALE}) {
            Image out = rz.resize(m, mask, 16, 16);
            assertEquals(Mode.RGB, out.mode(), m.toString());
            for (int i = 0; i < out.data().length; i += 3) {
                assertTrue(out.data()[i] == out.data()[i + 1] && out.data()[i] == out.data()[i + 2], "grey RGB");
            }
        }
        Image same = gradient(16, 16, 3);
        assertTrue(rz.resize(ResizeMode.JUST_RESIZE, same, 16, 16).sameAs(same), "same size is a copy");
    }

    @Test
    void upscalerIsUsedOnlyForEnlargedColourImages() {
        int[] calls = {0};
        Upscaler counting = (im, s) -> {
            calls[0]++;
            return Upscaler.lanczos().doUpscale(im, s);
        };
        Resizer rz = new Resizer(counting);
        Image small = gradient(20, 12, 4);
        Image out = rz.resize(ResizeMode.JUST_RESIZE, small, 64, 40);
        assertEquals(64, out.width());
        assertEquals(1, calls[0]);
        rz.resize(ResizeMode.JUST_RESIZE, Convert.convert(small, Mode.L), 64, 40);
        rz.resize(ResizeMode.JUST_RESIZE, small, 10, 6);
        assertEquals(1, calls[0], "masks and shrinking never call the upscaler");
        // The built-in Lanczos upscaler: int(20·3.2)=64 wide, then the driver's multiple-of-8 target (64x32).
        Image up = Upscaler.lanczos().upscale(small, 3.2);
        assertEquals(64, up.width());
        assertEquals(32, up.height());
    }

    @Test
    void latentMaskIsBinaryAfterRounding() {
        Image mask = Image.blank(512, 512, Mode.L);
        for (int y = 100; y < 300; y++) {
            for (int x = 50; x < 333; x++) {
                mask.set(x, y, 0, 255);
            }
        }
        mask = CvGaussianBlur.maskBlur(mask, 4, 4);
        float[] rounded = Masks.latentMask(mask, 64, 64, true);
        float[] raw = Masks.latentMask(mask, 64, 64, false);
        Image small = Resample.resize(mask, 64, 64, Resample.Filter.BICUBIC);
        for (int i = 0; i < 64 * 64; i++) {
            int v = small.data()[i] & 0xff;
            assertEquals(v >= 128 ? 1f : 0f, rounded[i], 0f);
            assertEquals(v / 255f, raw[i], 0f);
        }
    }

    @Test
    void fillKeepsUnmaskedPixelsAndOverlayRulesHold() {
        Image init = gradient(64, 48, 5);
        Image mask = Image.blank(64, 48, Mode.L);
        for (int y = 10; y < 30; y++) {
            for (int x = 20; x < 50; x++) {
                mask.set(x, y, 0, 255);
            }
        }
        PrepSettings s = PrepSettings.defaults(64, 48).withMask(4, false, MaskedContent.FILL, false, 32);
        Img2ImgImages.Prepared p = Img2ImgImages.prepare(init, mask, s);
        Image generated = gradient(64, 48, 99);
        Image out = Img2ImgImages.finish(generated, null, null, p.overlay(), s.resizer()).output();
        int keep = 0;
        int regen = 0;
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                int m = p.mask().get(x, y, 0);
                int om = p.maskForOverlay().get(x, y, 0);
                assertEquals(Math.min(255, 2 * m), om, "doubled overlay mask");
                for (int c = 0; c < 3; c++) {
                    if (m == 0) {
                        assertEquals(init.get(x, y, c), p.initFilled().get(x, y, c), "fill keeps unmasked pixels");
                    }
                    if (om == 0) {
                        assertEquals(init.get(x, y, c), out.get(x, y, c), "overlay mask 0 -> input");
                    }
                    if (om == 255) {
                        assertEquals(generated.get(x, y, c), out.get(x, y, c), "overlay mask 255 -> generated");
                    }
                }
                keep += om == 0 ? 1 : 0;
                regen += om == 255 ? 1 : 0;
            }
        }
        assertTrue(keep > 500 && regen > 300, "both regions present: " + keep + " / " + regen);
    }

    @Test
    void onlyMaskedKeepsEverythingOutsideTheBoxAndFallsBackOnBlankMask() {
        Image init = gradient(90, 70, 6);
        Image mask = Image.blank(90, 70, Mode.L);
        for (int y = 30; y < 40; y++) {
            for (int x = 40; x < 55; x++) {
                mask.set(x, y, 0, 255);
            }
        }
        PrepSettings s = PrepSettings.defaults(64, 64).withMask(2, false, MaskedContent.ORIGINAL, true, 4);
        Img2ImgImages.Prepared p = Img2ImgImages.prepare(init, mask, s);
        Image out = Img2ImgImages.finish(gradient(64, 64, 7), null, p.pasteTo(), p.overlay(), s.resizer()).output();
        assertEquals(90, out.width());
        int[] box = p.pasteTo();
        for (int y = 0; y < 70; y++) {
            for (int x = 0; x < 90; x++) {
                boolean inside = x >= box[0] && x < box[0] + box[2] && y >= box[1] && y < box[1] + box[3];
                if (!inside) {
                    for (int c = 0; c < 3; c++) {
                        assertEquals(init.get(x, y, c), out.get(x, y, c));
                    }
                }
            }
        }
        Img2ImgImages.Prepared blank = Img2ImgImages.prepare(init, Image.blank(90, 70, Mode.L), s);
        assertEquals(Img2ImgImages.BLANK_ONLY_MASKED, blank.comment());
        assertNull(blank.overlay());
        assertEquals(64, blank.initImage().width(), "falls back to plain img2img at W x H");
        // No overlay: the sample is returned as is (no uncrop).
        Image sample = gradient(64, 64, 8);
        assertTrue(Img2ImgImages.finish(sample, null, null, null, s.resizer()).output().sameAs(sample));
    }

    @Test
    void colourCorrectionOfTheInitImageOnlyRoundTrips() {
        Image init = gradient(40, 30, 9);
        Image target = ColorCorrection.target(init);
        Image lab = OpenCvLab.rgbToLab(init);
        assertTrue(ColorCorrection.matchHistograms(lab, target).sameAs(lab), "identical quantiles map to themselves");
        Image corrected = ColorCorrection.apply(target, init);
        Image expected = ColorCorrection.luminosityBlend(OpenCvLab.labToRgb(lab), init);
        ImageAssert.exact(expected, corrected, "only the Lab round trip and the luminosity blend remain");
    }

    @Test
    void decodeTruncates() {
        assertEquals(254, Decode.quantize(0.999f));
        assertEquals(255, Decode.quantize(1f));
        float[] chw = new float[3];
        chw[0] = 0.998f; // (x+1)/2 = 0.999
        chw[1] = 5f;
        chw[2] = -3f;
        Image im = Decode.toImage(chw, 1, 1);
        assertEquals("254,255,0", im.get(0, 0, 0) + "," + im.get(0, 0, 1) + "," + im.get(0, 0, 2));
    }

    @Test
    void inpaintSketchMaskTransparency() {
        Image orig = gradient(24, 16, 10);
        Image sketch = orig.copy();
        for (int x = 5; x < 12; x++) {
            sketch.set(x, 8, 0, 255);
            sketch.set(x, 8, 1, 0);
            sketch.set(x, 8, 2, 0);
        }
        int[] alphas = {0, 30, 50, 100};
        int[] expected = {255, 178, 127, 0};
        for (int i = 0; i < alphas.length; i++) {
            Sketch.Result r = Sketch.inpaintSketch(sketch, orig, alphas[i], 4);
            assertEquals(expected[i], r.mask().get(6, 8, 0), "mask transparency " + alphas[i]);
            assertEquals(0, r.mask().get(6, 2, 0));
        }
        Sketch.Result none = Sketch.inpaintSketch(orig, null, 0, 4);
        assertTrue(none.image().sameAs(orig), "no strokes: the picture is unchanged");
    }

    @Test
    void badInputsAreRejectedWithClearMessages() {
        Image rgb = gradient(8, 8, 11);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MaskedFill.fill(rgb, Image.blank(4, 4, Mode.L)));
        assertTrue(e.getMessage().contains("images do not match"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Resample.resize(rgb, 0, 4, Resample.Filter.LANCZOS));
        assertThrows(IllegalArgumentException.class,
                () -> Resample.resize(rgb, 4, 4, Resample.Filter.LANCZOS, 0, 0, 9, 8));
        assertThrows(IllegalArgumentException.class, () -> Image.blank(1 << 15, 1 << 15, Mode.RGB));
        assertThrows(IllegalArgumentException.class, () -> CvGaussianBlur.kernel(4, 1));
        assertThrows(IllegalArgumentException.class, () -> Composite.parseColor("white"));
        assertThrows(IllegalArgumentException.class, () -> ResizeMode.of(4));
        assertThrows(IllegalArgumentException.class, () -> new PrepSettings(0, 8, ResizeMode.JUST_RESIZE, 4, 4, false,
                MaskedContent.ORIGINAL, false, 32, true, false, new int[] {0, 0, 0}, null));
        IllegalArgumentException p = assertThrows(IllegalArgumentException.class,
                () -> Composite.paste(Image.blank(8, 8, Mode.RGB), rgb, 0, 0, Image.blank(3, 3, Mode.L)));
        assertTrue(p.getMessage().contains("images do not match"), p.getMessage());
    }

    @Test
    void latentUpscaleModeKeepsThePictureAndMaskSizeMismatchIsResized() {
        Image init = gradient(48, 40, 12);
        Image mask = Image.blank(24, 20, Mode.L); // half the image's size: resized independently
        for (int y = 5; y < 12; y++) {
            for (int x = 6; x < 15; x++) {
                mask.set(x, y, 0, 255);
            }
        }
        PrepSettings s = PrepSettings.defaults(64, 64).withMask(1, false, MaskedContent.ORIGINAL, false, 32);
        Img2ImgImages.Prepared whole = Img2ImgImages.prepare(init, mask, s);
        assertEquals(64, whole.mask().width());
        assertEquals(64, whole.initImage().width());
        assertEquals(8 * 8, whole.latentMask().length);
        Img2ImgImages.Prepared latent = Img2ImgImages.prepare(init, mask, s.withResizeMode(ResizeMode.LATENT_UPSCALE));
        assertTrue(latent.initImage().sameAs(init), "mode 3 does not resize the picture");
        assertEquals(Mode.RGB, latent.mask().mode(), "mode 3 resizes the mask through the mode-2 branch");
        assertEquals(48, latent.maskForOverlay().width(), "overlay mask follows the picture's size");
        assertEquals(8 * 8, latent.latentMask().length, "latent mask is W/8 x H/8");
    }
}
