package jdiffusion.sd.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import jdiffusion.loaders.MapTensorSource;
import jdiffusion.loaders.config.ModelConfig;
import jdiffusion.loaders.config.UNetConfig;
import jdiffusion.sd.image.Decode;
import jdiffusion.sd.image.Image;
import jdiffusion.sd.image.Img2ImgImages;
import jdiffusion.sd.image.PrepSettings;
import jdiffusion.tensor.Tensor;
import jdiffusion.tensor.cpu.CpuBackend;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * 9-channel inpainting conditioning (spec img2img.md §3.5, check 20) on the tiny model made into an
 * inpainting UNet: its {@code conv_in} gets five more input channels with random weights.
 */
class InpaintingModelTest {
    private static final String CONV_IN = "model.diffusion_model.input_blocks.0.0.weight";
    private static SdModel model;
    private static Pipeline pipeline;

    @BeforeAll
    static void build() {
        SdModel base = TinyModels.sd15();
        Map<String, Tensor> t = new LinkedHashMap<>();
        for (String n : base.weights().names()) {
            t.put(n, base.weights().tensor(n));
        }
        Tensor w = base.weights().tensor(CONV_IN).toF32(); // [32, 4, 3, 3]
        int out = w.dim(0);
        float[] src = w.toFloatArray();
        float[] padded = new float[out * 9 * 9];
        SplittableRandom r = new SplittableRandom(99);
        for (int o = 0; o < out; o++) {
            for (int c = 0; c < 9; c++) {
                for (int k = 0; k < 9; k++) {
                    padded[(o * 9 + c) * 9 + k] = c < 4 ? src[(o * 4 + c) * 9 + k] : (float) (r.nextGaussian() * 0.05);
                }
            }
        }
        t.put(CONV_IN, Tensor.of(padded, out, 9, 3, 3));
        ModelConfig c = base.config();
        UNetConfig u = c.unet();
        UNetConfig nine = new UNetConfig(9, u.outChannels(), u.modelChannels(), u.channelMult(), u.numResBlocks(),
                u.transformerDepth(), u.transformerDepthMiddle(), u.numHeads(), u.headDim(), u.contextDim(),
                u.linearProjection(), u.admInChannels());
        ModelConfig cfg = new ModelConfig(c.architecture(), c.prediction(), nine, c.vae(), c.textEncoders(), c.clipSkip());
        model = SdModel.of(new CpuBackend(), new MapTensorSource(t, "tiny-sd15 with a 9-channel conv_in"), cfg,
                "tiny-inpainting", "0123456789", ModelOptions.defaults());
        pipeline = new Pipeline(model);
    }

    @Test
    void maskChannelIsTheMaskAtEveryEighthPixelAndTheRestIsTheMaskedPicture() {
        Image picture = TinyModels.picture(64, 64);
        Image mask = TinyModels.rectMask(64, 64, 12, 20, 44, 50);
        TensorRecorder rec = InpaintInvariantsTest.run(pipeline, InpaintInvariantsTest.settings("Euler", 2).build(),
                Img2ImgSettings.builder(Canvas.inpaintUpload(picture, mask)).denoisingStrength(0.6).build());
        Tensor cond = rec.get("image_conditioning");
        assertArrayEquals(new int[] {1, 5, 8, 8}, cond.shape());
        Img2ImgImages.Prepared p = Img2ImgImages.prepare(picture, mask, PrepSettings.defaults(64, 64));
        Image m = p.mask();
        float[] x = Decode.toChw01(p.initImage());
        float[] masked = new float[x.length];
        int plane = 64 * 64;
        int ones = 0;
        for (int i = 0; i < 8; i++) {
            for (int j = 0; j < 8; j++) {
                float expected = (float) Math.rint(m.get(8 * j, 8 * i, 0) / 255.0f);
                assertEquals(expected, cond.get(0, 0, i, j), 0f, "mask channel at (" + i + ", " + j + ")");
                ones += (int) expected;
            }
        }
        assertTrue(ones > 0 && ones < 64, "the mask channel has both values: " + ones + " ones");
        for (int c = 0; c < 3; c++) {
            for (int k = 0; k < plane; k++) {
                float mk = (float) Math.rint(m.get(k % 64, k / 64, 0) / 255.0f);
                masked[c * plane + k] = (2 * x[c * plane + k] - 1) * (1 - mk); // 0 (mid grey) under the mask
            }
        }
        Tensor mean = model.networks().vae().encode(Tensor.of(masked, 1, 3, 64, 64)).mean();
        for (int c = 0; c < 4; c++) {
            for (int i = 0; i < 8; i++) {
                for (int j = 0; j < 8; j++) {
                    assertEquals(mean.get(0, c, i, j) * 0.18215f, cond.get(0, c + 1, i, j), 1e-5f, "masked-image latent");
                }
            }
        }
        assertTrue(rec.info.contains("Conditional mask weight: 1.0"), rec.info);
        assertTrue(rec.info.contains("Model hash: 0123456789, Model: tiny-inpainting"), rec.info);
    }

    @Test
    void withoutMaskTheWholeImageCountsAsMasked() {
        TensorRecorder rec = InpaintInvariantsTest.run(pipeline, InpaintInvariantsTest.settings("Euler", 2).build(),
                Img2ImgSettings.builder(Canvas.img2img(TinyModels.picture(64, 64))).denoisingStrength(0.6).build());
        float[] c = rec.get("image_conditioning").toFloatArray();
        for (int k = 0; k < 64; k++) {
            assertEquals(1f, c[k], 0f, "mask channel is all ones");
        }
        GenerationResult t = pipeline.txt2img(Txt2ImgRequest.of(InpaintInvariantsTest.settings("Euler", 2).build()), null, null);
        assertEquals(64, t.images().getFirst().image().width());
    }
}
