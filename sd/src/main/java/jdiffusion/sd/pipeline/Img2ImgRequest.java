package jdiffusion.sd.pipeline;

import java.util.Objects;

/** An img2img / inpainting job: the common settings and the img2img tab's settings. */
public record Img2ImgRequest(GenerationSettings settings, Img2ImgSettings img2img) {
    public Img2ImgRequest {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(img2img, "img2img");
    }

    /** Validates every part. Returns this. */
    public Img2ImgRequest validate() {
        settings.validate();
        img2img.validate();
        return this;
    }
}
