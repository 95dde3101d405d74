package jdiffusion.sd.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import jdiffusion.sampler.rng.RngSource;
import jdiffusion.sd.infotext.InfotextParser;
import org.junit.jupiter.api.Test;

/** txt2img + hires fix and img2img on tiny-sdxl (no webui reference run exists: shapes, infotext, determinism). */
class SdxlPipelineTest {
    private static final Pipeline PIPELINE = new Pipeline(TinyModels.sdxl());

    private static GenerationSettings settings() {
        return GenerationSettings.builder().prompt("a lighthouse at dusk").negativePrompt("").sampler("Euler a").steps(3)
                .seed(99).size(64, 64).rng(RngSource.CPU).build();
    }

    @Test
    void txt2imgWithHiresFix() {
        HiresFix hr = HiresFix.builder().scale(2).steps(2).denoisingStrength(0.55).build();
        TensorRecorder rec = new TensorRecorder();
        GenerationResult r = PIPELINE.txt2img(new Txt2ImgRequest(settings(), hr), rec, null);
        GeneratedImage img = r.images().getFirst();
        assertEquals(128, img.image().width());
        assertEquals(128, img.image().height());
        assertArrayEquals(new int[] {1, 4, 8, 8}, rec.get("x_sampled").shape());
        assertArrayEquals(new int[] {1, 4, 16, 16}, rec.get("hires/x_sampled").shape());
        // SDXL context: CLIP-L ‖ bigG hidden states; the pooled vector goes to the UNet's label_emb.
        assertEquals(TinyModels.sdxl().config().unet().contextDim(), rec.get("cond").dim(2));
        Map<String, String> p = InfotextParser.parse(img.infotext());
        assertEquals("tiny-sdxl", p.get("Model"));
        assertEquals("Euler a", p.get("Sampler"));
        assertEquals("2.0", p.get("Hires upscale"));
        assertEquals("0.55", p.get("Denoising strength"));
        assertEquals("64", p.get("Size-1"));
        GenerationResult again = PIPELINE.txt2img(new Txt2ImgRequest(settings(), hr), null, null);
        Compare.uint8("sdxl repeat", img.image(), again.images().getFirst().image());
    }

    @Test
    void img2imgInpaint() {
        Img2ImgSettings s = Img2ImgSettings.builder(Canvas.inpaint(TinyModels.picture(64, 64),
                TinyModels.rectMask(64, 64, 10, 10, 40, 50))).denoisingStrength(0.6).build();
        TensorRecorder rec = new TensorRecorder();
        GenerationResult r = PIPELINE.img2img(new Img2ImgRequest(settings().toBuilder().sampler("DPM++ 2M SDE").build(), s),
                rec, null);
        assertEquals(64, r.images().getFirst().image().width());
        assertTrue(rec.calls() > 0);
        assertTrue(r.images().getFirst().infotext().contains("Sampler: DPM++ 2M SDE, Schedule type: Exponential"),
                r.images().getFirst().infotext());
    }
}
