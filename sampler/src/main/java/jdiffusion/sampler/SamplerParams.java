package jdiffusion.sampler;

/**
 * The webui's sampler parameters (spec §7.4): {@code eta} (option "Eta for ancestral samplers",
 * 1.0), {@code s_noise} 1.0, {@code s_churn} 0, {@code s_tmin} 0, {@code s_tmax} ∞ (the option's 0).
 * Each sampler uses only the ones k-diffusion's function takes and the webui passes
 * ({@link SamplerInfo#effective}).
 */
public record SamplerParams(double eta, double sNoise, double sChurn, double sTmin, double sTmax) {
    public static final SamplerParams DEFAULTS = new SamplerParams(1.0, 1.0, 0.0, 0.0, Double.POSITIVE_INFINITY);

    public SamplerParams {
        if (!(eta >= 0) || !(sNoise >= 0) || !(sChurn >= 0) || Double.isNaN(sTmin) || Double.isNaN(sTmax)) {
            throw new IllegalArgumentException("sampler parameters must be non-negative numbers: eta=" + eta
                    + ", s_noise=" + sNoise + ", s_churn=" + sChurn + ", s_tmin=" + sTmin + ", s_tmax=" + sTmax);
        }
    }

    /** The webui option value 0 for {@code s_tmax} means infinity. */
    public static double sTmaxFromOption(double option) {
        return option == 0 ? Double.POSITIVE_INFINITY : option;
    }

    public SamplerParams withEta(double value) {
        return new SamplerParams(value, sNoise, sChurn, sTmin, sTmax);
    }

    public SamplerParams withSNoise(double value) {
        return new SamplerParams(eta, value, sChurn, sTmin, sTmax);
    }

    public SamplerParams withChurn(double churn, double tmin, double tmax) {
        return new SamplerParams(eta, sNoise, churn, tmin, tmax);
    }
}
