package jdiffusion.sd.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.util.stream.Stream;
import jdiffusion.sd.image.soft.AdaptiveMasks;
import jdiffusion.sd.image.soft.SoftInpaintSettings;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every image-side tensor of the ten end-to-end webui runs in {@code testdata/pipeline/}: the
 * preparation tensors bit for bit, the output side from the recorded decoded sample
 * ({@code sample_uint8}), exact where the fixture README says exact and within its ±1 rule elsewhere.
 */
class PipelineImagesTest {

    static Stream<String> cases() {
        return Stream.of(PipelineCase.NAMES);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void preparationIsBitExact(String name) throws IOException {
        try (PipelineCase c = new PipelineCase(name)) {
            PrepSettings s = c.settings();
            Img2ImgImages.Prepared p = Img2ImgImages.prepare(c.input(), c.hasMask() ? c.maskPng() : null, s);
            ImageAssert.exact(c.image("init_image_resized"), p.overlayBase(), name + " init_image_resized");
            ImageAssert.exact(c.image("init_image"), p.initImage(), name + " init_image");
            if (!c.hasMask()) {
                assertNull(p.mask());
                assertNull(p.overlay());
                return;
            }
            ImageAssert.exact(c.image("mask_blurred"), p.maskBlurred(), name + " mask_blurred");
            ImageAssert.exact(c.image("mask"), p.mask(), name + " mask");
            ImageAssert.exact(c.image("mask_for_overlay"), p.maskForOverlay(), name + " mask_for_overlay");
            ImageAssert.exact(c.image("overlay_rgba"), p.overlay(), name + " overlay_rgba");
            if (c.has("crop_region")) {
                CropRegion b = p.bboxPadded();
                assertArrayEquals(c.ints("crop_region_bbox_padded"), new int[] {b.x1(), b.y1(), b.x2(), b.y2()});
                CropRegion r = p.cropRegion();
                assertArrayEquals(c.ints("crop_region"), new int[] {r.x1(), r.y1(), r.x2(), r.y2()});
                assertArrayEquals(c.ints("paste_to"), p.pasteTo());
                ImageAssert.exact(c.image("init_image_cropped"), p.initCropped(), name + " init_image_cropped");
            } else {
                assertNull(p.cropRegion());
            }
            if (c.has("init_image_filled")) {
                ImageAssert.exact(c.image("init_image_filled"), p.initFilled(), name + " init_image_filled");
            } else {
                assertNull(p.initFilled());
            }
            if (c.has("color_correction_target_lab")) {
                ImageAssert.exact(c.image("color_correction_target_lab"), p.colorTarget(), name + " Lab target");
            }
            // latent_mask is [4, h8, w8]: channel 0 tiled; compare every channel exactly.
            float[] expected = c.floats("latent_mask");
            int plane = p.latentMask().length;
            for (int ch = 0; ch < 4; ch++) {
                for (int i = 0; i < plane; i++) {
                    assertEquals(expected[ch * plane + i], p.latentMask()[i], 0f,
                            name + " latent_mask channel " + ch + " index " + i);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void outputFromRecordedSample(String name) throws IOException {
        try (PipelineCase c = new PipelineCase(name)) {
            PrepSettings s = c.settings();
            Img2ImgImages.Prepared p = Img2ImgImages.prepare(c.input(), c.hasMask() ? c.maskPng() : null, s);
            Image sample = c.image("sample_uint8");
            Image overlay = p.overlay();
            SoftInpaintSettings soft = c.soft();
            if (soft != null) {
                int[] ls = c.shape("latent_mask");
                float[] nmask = java.util.Arrays.copyOf(c.floats("latent_mask"), ls[1] * ls[2]);
                AdaptiveMasks.Result r = AdaptiveMasks.apply(soft, nmask, c.floats("init_latent"), c.floats("x_final"),
                        4, ls[2], ls[1], p.overlayBase(), s.width(), s.height(), p.pasteTo(), s.resizer());
                ImageAssert.nearlyExact(c.image("soft_mask_for_overlay"), r.maskForOverlay(), 0.005,
                        name + " soft_mask_for_overlay");
                ImageAssert.nearlyExact(c.image("soft_overlay_rgba"), r.overlay(), 0.005, name + " soft_overlay_rgba");
                overlay = r.overlay();
            }
            Img2ImgImages.Finished f = Img2ImgImages.finish(sample, p.colorTarget(), p.pasteTo(), overlay, s.resizer());
            if (c.has("color_corrected")) {
                assertNotNull(f.colorCorrected());
                ImageAssert.exact(c.image("color_corrected"), f.colorCorrected(), name + " color_corrected");
            }
            if (c.has("uncropped_rgba")) {
                ImageAssert.exact(c.image("uncropped_rgba"), f.uncropped(), name + " uncropped_rgba");
            }
            if (soft != null) {
                ImageAssert.nearlyExact(c.image("output"), f.output(), 0.005, name + " output");
            } else {
                ImageAssert.exact(c.image("output"), f.output(), name + " output");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void decodeQuantisationTruncates(String name) throws IOException {
        try (PipelineCase c = new PipelineCase(name)) {
            int[] sh = c.shape("decoded");
            float[] decoded = c.floats("decoded");
            float[] d01 = c.floats("decoded_01");
            for (int i = 0; i < decoded.length; i++) {
                assertEquals(d01[i], Decode.clamp01((decoded[i] + 1.0f) / 2.0f), 0f, name + " decoded_01[" + i + "]");
            }
            Image fromD01 = Image.blank(sh[3], sh[2], Mode.RGB);
            int plane = sh[2] * sh[3];
            for (int ch = 0; ch < 3; ch++) {
                for (int i = 0; i < plane; i++) {
                    fromD01.data()[i * 3 + ch] = (byte) Decode.quantize(d01[ch * plane + i]);
                }
            }
            ImageAssert.exact(c.image("sample_uint8"), fromD01, name + " sample_uint8 from decoded_01");
            ImageAssert.exact(c.image("sample_uint8"), Decode.toImage(decoded, sh[3], sh[2]),
                    name + " sample_uint8 from decoded");
        }
    }
}
