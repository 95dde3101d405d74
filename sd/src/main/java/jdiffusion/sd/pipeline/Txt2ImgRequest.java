package jdiffusion.sd.pipeline;

import java.util.Objects;

/** A txt2img job: the common settings and the hires fix ({@link HiresFix#OFF} for none). */
public record Txt2ImgRequest(GenerationSettings settings, HiresFix hires) {
    public Txt2ImgRequest {
        Objects.requireNonNull(settings, "settings");
        hires = hires == null ? HiresFix.OFF : hires;
    }

    public static Txt2ImgRequest of(GenerationSettings settings) {
        return new Txt2ImgRequest(settings, HiresFix.OFF);
    }

    /** Validates every part (see {@link GenerationSettings#validate()}). Returns this. */
    public Txt2ImgRequest validate() {
        settings.validate();
        hires.validate();
        return this;
    }
}
