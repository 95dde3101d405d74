package jdiffusion.sd.pipeline;

import java.io.IOException;
import jdiffusion.sampler.rng.RngSource;
import jdiffusion.sd.image.MaskedContent;
import jdiffusion.sd.image.PipelineCase;
import jdiffusion.sd.image.ResizeMode;

/**
 * The end-to-end webui runs of {@code testdata/pipeline/} ({@link PipelineCase}, shared with the image
 * tests) as requests to the public API.
 */
final class PipelineFixture {
    private PipelineFixture() {
    }

    /** The case's settings as a public-API request (the webui's labels → our records). */
    static Img2ImgRequest request(PipelineCase c) throws IOException {
        GenerationSettings gs = GenerationSettings.builder()
                .prompt(c.meta("prompt")).negativePrompt(c.meta("negative_prompt"))
                .sampler(c.meta("sampler_name")).scheduler(c.meta("scheduler"))
                .steps(c.metaInt("steps")).cfgScale(Double.parseDouble(c.meta("cfg_scale")))
                .seed(Long.parseLong(c.meta("seed"))).size(c.metaInt("width"), c.metaInt("height"))
                .rng(RngSource.fromLabel(c.meta("randn_source"))).etaNoiseSeedDelta(c.metaInt("eta_noise_seed_delta"))
                .build();
        Canvas canvas = c.hasMask() ? Canvas.inpaintUpload(c.input(), c.maskPng()) : Canvas.img2img(c.input());
        Img2ImgSettings.Builder b = Img2ImgSettings.builder(canvas)
                .resizeMode(ResizeMode.of(c.metaInt("resize_mode")))
                .denoisingStrength(Double.parseDouble(c.meta("denoising_strength")))
                .colorCorrection(Boolean.parseBoolean(c.meta("img2img_color_correction").toLowerCase()))
                .noiseMultiplier(Double.parseDouble(c.meta("initial_noise_multiplier")))
                .extraNoise(Double.parseDouble(c.meta("img2img_extra_noise")))
                .fixSteps(Boolean.parseBoolean(c.meta("img2img_fix_steps").toLowerCase()))
                .overlayInpaint(Boolean.parseBoolean(c.meta("overlay_inpaint").toLowerCase()));
        if (c.hasMask()) {
            b.maskBlur(c.metaInt("mask_blur"))
                    .maskMode(c.metaInt("inpainting_mask_invert") == 1 ? MaskMode.INPAINT_NOT_MASKED : MaskMode.INPAINT_MASKED)
                    .maskedContent(MaskedContent.of(c.metaInt("inpainting_fill")))
                    .inpaintArea(c.metaInt("inpaint_full_res") == 1 ? InpaintArea.ONLY_MASKED : InpaintArea.WHOLE_PICTURE)
                    .onlyMaskedPadding(c.metaInt("inpaint_full_res_padding"))
                    .softInpainting(c.soft());
        }
        return new Img2ImgRequest(gs, b.build());
    }
}
