package jdiffusion.sd.pipeline;

import java.util.Objects;
import jdiffusion.sampler.schedule.SchedulerOptions;

/**
 * The webui settings ("Sampler parameters" page, {@code shared_options.py}) that change sampling, with
 * their defaults. Each is written to the infotext when it differs from the default and the sampler
 * uses it, as the webui does.
 *
 * @param etaAncestral       "Eta for k-diffusion samplers" ({@code eta_ancestral}, 1.0; infotext {@code Eta})
 * @param etaDdim            "Eta for DDIM" ({@code eta_ddim}, 0.0; infotext {@code Eta DDIM})
 * @param sNoise             "sigma noise" ({@code s_noise}, 1.0)
 * @param sChurn             "sigma churn" ({@code s_churn}, 0.0; Euler, Heun, DPM2)
 * @param sTmin              "sigma tmin" ({@code s_tmin}, 0.0)
 * @param sTmax              "sigma tmax" ({@code s_tmax}, 0 = infinity)
 * @param schedule           schedule min/max sigma, rho, old Karras range, always discard the penultimate sigma
 * @param sgmNoiseMultiplier "SGM noise multiplier" (txt2img start noise × sqrt(1 + σ0²); default off)
 * @param quantization       "Enable quantization in K samplers" ({@code enable_quantization}; default off)
 * @param padConds           "Pad prompt/negative prompt" ({@code pad_cond_uncond}; default off)
 * @param sMinUncond         "Negative Guidance minimum sigma" ({@code s_min_uncond}, 0 = off; infotext {@code NGMS})
 * @param oldPromptTimelines "Prompt editing timeline: old" ({@code use_old_scheduling}; default off)
 */
public record SamplerOptions(double etaAncestral, double etaDdim, double sNoise, double sChurn, double sTmin, double sTmax,
                             SchedulerOptions schedule, boolean sgmNoiseMultiplier, boolean quantization,
                             boolean padConds, double sMinUncond, boolean oldPromptTimelines) {

    /** The webui defaults. */
    public static final SamplerOptions DEFAULTS = new SamplerOptions(1.0, 0.0, 1.0, 0.0, 0.0, 0.0,
            SchedulerOptions.DEFAULTS, false, false, false, 0.0, false);

    public SamplerOptions {
        Objects.requireNonNull(schedule, "schedule");
    }

    /** Rejects values outside the webui's option ranges. */
    public SamplerOptions validate() {
        Ranges.check("Eta for k-diffusion samplers", etaAncestral, 0, 1);
        Ranges.check("Eta for DDIM", etaDdim, 0, 1);
        Ranges.check("sigma noise", sNoise, 0, 1.1);
        Ranges.check("sigma churn", sChurn, 0, 100);
        Ranges.check("sigma tmin", sTmin, 0, 10);
        Ranges.check("sigma tmax", sTmax, 0, 999);
        Ranges.check("Negative Guidance minimum sigma", sMinUncond, 0, 15);
        return this;
    }

    public SamplerOptions withEtaAncestral(double v) {
        return new SamplerOptions(v, etaDdim, sNoise, sChurn, sTmin, sTmax, schedule, sgmNoiseMultiplier, quantization,
                padConds, sMinUncond, oldPromptTimelines);
    }

    public SamplerOptions withEtaDdim(double v) {
        return new SamplerOptions(etaAncestral, v, sNoise, sChurn, sTmin, sTmax, schedule, sgmNoiseMultiplier, quantization,
                padConds, sMinUncond, oldPromptTimelines);
    }

    public SamplerOptions withSNoise(double v) {
        return new SamplerOptions(etaAncestral, etaDdim, v, sChurn, sTmin, sTmax, schedule, sgmNoiseMultiplier, quantization,
                padConds, sMinUncond, oldPromptTimelines);
    }

    public SamplerOptions withChurn(double churn, double tmin, double tmax) {
        return new SamplerOptions(etaAncestral, etaDdim, sNoise, churn, tmin, tmax, schedule, sgmNoiseMultiplier, quantization,
                padConds, sMinUncond, oldPromptTimelines);
    }

    public SamplerOptions withSchedule(SchedulerOptions v) {
        return new SamplerOptions(etaAncestral, etaDdim, sNoise, sChurn, sTmin, sTmax, v, sgmNoiseMultiplier, quantization,
                padConds, sMinUncond, oldPromptTimelines);
    }

    public SamplerOptions withSgmNoiseMultiplier(boolean v) {
        return new SamplerOptions(etaAncestral, etaDdim, sNoise, sChurn, sTmin, sTmax, schedule, v, quantization,
                padConds, sMinUncond, oldPromptTimelines);
    }

    public SamplerOptions withPadConds(boolean v) {
        return new SamplerOptions(etaAncestral, etaDdim, sNoise, sChurn, sTmin, sTmax, schedule, sgmNoiseMultiplier, quantization,
                v, sMinUncond, oldPromptTimelines);
    }

    public SamplerOptions withSMinUncond(double v) {
        return new SamplerOptions(etaAncestral, etaDdim, sNoise, sChurn, sTmin, sTmax, schedule, sgmNoiseMultiplier, quantization,
                padConds, v, oldPromptTimelines);
    }

    public SamplerOptions withOldPromptTimelines(boolean v) {
        return new SamplerOptions(etaAncestral, etaDdim, sNoise, sChurn, sTmin, sTmax, schedule, sgmNoiseMultiplier, quantization,
                padConds, sMinUncond, v);
    }
}
