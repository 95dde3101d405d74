package jdiffusion.sd.pipeline;

/**
 * The hires-fix upscalers that work on the latent ({@code shared.latent_upscale_modes}): PyTorch
 * {@code interpolate} modes with and without antialiasing. "Latent" is the webui's default hires upscaler.
 */
public enum LatentUpscaleMode {
    LATENT("Latent", Interpolation.BILINEAR, false),
    LATENT_ANTIALIASED("Latent (antialiased)", Interpolation.BILINEAR, true),
    LATENT_BICUBIC("Latent (bicubic)", Interpolation.BICUBIC, false),
    LATENT_BICUBIC_ANTIALIASED("Latent (bicubic antialiased)", Interpolation.BICUBIC, true),
    LATENT_NEAREST("Latent (nearest)", Interpolation.NEAREST, false),
    LATENT_NEAREST_EXACT("Latent (nearest-exact)", Interpolation.NEAREST_EXACT, false);

    /** {@code torch.nn.functional.interpolate} modes. */
    public enum Interpolation { BILINEAR, BICUBIC, NEAREST, NEAREST_EXACT }

    private final String label;
    private final Interpolation interpolation;
    private final boolean antialias;

    LatentUpscaleMode(String label, Interpolation interpolation, boolean antialias) {
        this.label = label;
        this.interpolation = interpolation;
        this.antialias = antialias;
    }

    public String label() {
        return label;
    }

    public Interpolation interpolation() {
        return interpolation;
    }

    public boolean antialias() {
        return antialias;
    }

    /** The mode called {@code name} (case-insensitive), or null when it is not a latent mode. */
    public static LatentUpscaleMode byLabel(String name) {
        for (LatentUpscaleMode m : values()) {
            if (m.label.equalsIgnoreCase(name.trim())) {
                return m;
            }
        }
        return null;
    }
}
