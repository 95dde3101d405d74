package jdiffusion.sd.pipeline;

/** The stages a generation reports timings for. */
public enum Phase {
    /** Opening the checkpoint and building the networks ({@link SdModel#load}). */
    LOAD("load"),
    /** LoRA activation and prompt encoding (conditioning). */
    TEXT("text"),
    /** Image preparation and VAE encoding of the init image(s) (img2img, hires pixel upscale). */
    VAE_ENCODE("VAE encode"),
    /** The sampler's denoiser calls (both passes of a hires-fix job). */
    SAMPLING("sampling"),
    /** Hires fix: decoding the first pass and upscaling it (latent or image upscaler). */
    HIRES_UPSCALE("hires upscale"),
    /** VAE decoding of the final latents. */
    VAE_DECODE("decode"),
    /** Colour correction, overlay, infotext. */
    POSTPROCESS("postprocess");

    private final String label;

    Phase(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
