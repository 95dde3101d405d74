package jdiffusion.sd.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import jdiffusion.sampler.rng.RngSource;
import jdiffusion.sd.image.Image;
import jdiffusion.sd.image.ImageFiles;
import jdiffusion.sd.image.MaskedContent;
import jdiffusion.sd.image.soft.SoftInpaintSettings;
import org.junit.jupiter.api.Test;

/**
 * The six applications of the webui's img2img guide, written as in the README's library examples, on
 * the tiny model and the example pictures (smaller sizes and fewer steps to stay fast).
 */
class GuideApplicationsTest {
    private static final Pipeline PIPELINE = new Pipeline(TinyModels.sd15());

    private static Image example(String name) throws IOException {
        return ImageFiles.read(TestFiles.file("../examples/" + name));
    }

    private static GenerationSettings.Builder common(String prompt) {
        return GenerationSettings.builder().prompt(prompt).negativePrompt("blurry").sampler("DPM++ 2M").steps(4)
                .seed(1).size(128, 128).rng(RngSource.CPU);
    }

    private static String info(GenerationResult r) {
        return r.images().getFirst().infotext();
    }

    @Test
    void detailFixSketchThenInpaintOnlyMasked() throws IOException {
        Image picture = example("landscape.png");
        Image sketched = Canvas.withStrokes(picture, example("landscape-sketch.png"));
        Img2ImgSettings s = Img2ImgSettings.builder(Canvas.inpaint(sketched, example("landscape-mask.png")))
                .inpaintArea(InpaintArea.ONLY_MASKED).onlyMaskedPadding(32).denoisingStrength(0.35).build();
        GenerationResult r = PIPELINE.img2img(new Img2ImgRequest(common("a red barn, detailed").build(), s), null, null);
        assertEquals(256, r.images().getFirst().image().width(), "Only masked pastes back into the full picture");
        assertTrue(info(r).contains("Denoising strength: 0.35") && info(r).contains("Inpaint area: Only masked"), info(r));
    }

    @Test
    void addAnElementWithInpaintSketchAndSoftInpainting() throws IOException {
        Image picture = example("landscape.png");
        Image sketched = Canvas.withStrokes(picture, example("landscape-sketch.png"));
        Img2ImgSettings s = Img2ImgSettings.builder(Canvas.inpaintSketch(sketched, picture))
                .softInpainting(SoftInpaintSettings.DEFAULT).maskBlur(8).denoisingStrength(0.5).build();
        GenerationResult r = PIPELINE.img2img(new Img2ImgRequest(common("a blue pond").build(), s), null, null);
        assertEquals(128, r.images().getFirst().image().width());
        assertTrue(info(r).contains("Soft inpainting enabled: True"), info(r));
    }

    @Test
    void removeAnElementWithFill() throws IOException {
        Img2ImgSettings s = Img2ImgSettings.builder(Canvas.inpaint(example("landscape.png"), example("landscape-mask.png")))
                .maskedContent(MaskedContent.FILL).denoisingStrength(0.5).build();
        GenerationResult r = PIPELINE.img2img(new Img2ImgRequest(common("green meadow").build(), s), null, null);
        assertTrue(info(r).contains("Masked content: fill"), info(r));
    }

    @Test
    void modifyAnElementSketchedOverWithOriginalContent() throws IOException {
        Image sketched = Canvas.withStrokes(example("landscape.png"), example("landscape-sketch.png"));
        Img2ImgSettings s = Img2ImgSettings.builder(Canvas.inpaint(sketched, example("landscape-mask.png")))
                .maskedContent(MaskedContent.ORIGINAL).denoisingStrength(0.7).build();
        GenerationResult r = PIPELINE.img2img(new Img2ImgRequest(common("a blue barn").build(), s), null, null);
        assertTrue(info(r).contains("Denoising strength: 0.7"), info(r));
    }

    @Test
    void sketchToWallpaperThenInpaintWithLatentNoise() throws IOException {
        Image sketched = Canvas.withStrokes(example("landscape.png"), example("landscape-sketch.png"));
        GenerationResult first = PIPELINE.img2img(new Img2ImgRequest(common("a landscape wallpaper").build(),
                Img2ImgSettings.builder(Canvas.sketch(sketched)).denoisingStrength(0.85).build()), null, null);
        Image wallpaper = first.images().getFirst().image();
        Image mask = example("landscape-mask.png");
        Img2ImgSettings second = Img2ImgSettings.builder(Canvas.inpaint(wallpaper, mask)).resizeMode(
                jdiffusion.sd.image.ResizeMode.JUST_RESIZE).maskedContent(MaskedContent.LATENT_NOISE).denoisingStrength(0.85)
                .build();
        GenerationResult r = PIPELINE.img2img(new Img2ImgRequest(common("a wooden house").build(), second), null, null);
        assertTrue(info(r).contains("Masked content: latent noise"), info(r));
    }

    @Test
    void upscaleWithAnUpscalerLowDenoiseAndColourCorrection() throws IOException {
        Image small = jdiffusion.sd.image.Resample.resize(example("landscape.png"), 64, 64,
                jdiffusion.sd.image.Resample.Filter.LANCZOS);
        Img2ImgSettings s = Img2ImgSettings.builder(Canvas.img2img(small)).upscaler("Lanczos").colorCorrection(true)
                .denoisingStrength(0.3).build();
        GenerationResult r = PIPELINE.img2img(new Img2ImgRequest(common("a landscape, highly detailed").build(), s), null,
                null);
        assertEquals(128, r.images().getFirst().image().width(), "2x the input");
    }

}
