package jdiffusion.sd.pipeline;

import jdiffusion.sampler.SamplerCatalog;
import jdiffusion.sampler.SamplerInfo;
import jdiffusion.sampler.Samplers;
import jdiffusion.sampler.lcm.LcmSampler;
import jdiffusion.sampler.schedule.Scheduler;
import jdiffusion.sampler.timesteps.TimestepSamplers;

/**
 * A resolved "Sampling method" + "Schedule type" pair (the webui's {@code get_sampler_and_scheduler}):
 * a k-diffusion sampler, a timestep sampler (DDIM, DDIM CFG++, PLMS) or LCM, and the requested
 * schedule ("DPM++ 2M Karras" with Automatic gives DPM++ 2M with Karras).
 *
 * @param name       the sampler's webui name (infotext {@code Sampler})
 * @param kind       how it is driven
 * @param kdiffusion the k-diffusion entry (kind K_DIFFUSION), else null
 * @param timesteps  the timestep entry (kind TIMESTEPS), else null
 * @param scheduler  the requested schedule ({@link Scheduler#AUTOMATIC} = the sampler's default)
 */
public record SamplerChoice(String name, SamplerCatalog.Kind kind, SamplerInfo kdiffusion, TimestepSamplers.Info timesteps,
                            Scheduler scheduler) {

    /** Resolves names; an unknown sampler or schedule is an IllegalArgumentException listing the known ones. */
    public static SamplerChoice of(String samplerName, String schedulerLabel) {
        Scheduler requested = Scheduler.byName(schedulerLabel);
        String n = samplerName.trim();
        if (n.equalsIgnoreCase(LcmSampler.NAME) || n.equalsIgnoreCase(LcmSampler.ALIAS)) {
            return new SamplerChoice(LcmSampler.NAME, SamplerCatalog.Kind.LCM, null, null, requested);
        }
        for (TimestepSamplers.Info t : TimestepSamplers.all()) {
            if (t.name().equalsIgnoreCase(n) || t.aliases().stream().anyMatch(a -> a.equalsIgnoreCase(n))) {
                return new SamplerChoice(t.name(), SamplerCatalog.Kind.TIMESTEPS, null, t, requested);
            }
        }
        SamplerInfo info = Samplers.byName(n);
        if (requested == Scheduler.AUTOMATIC) {
            requested = Samplers.schedulerOf(n);
        }
        return new SamplerChoice(info.name(), SamplerCatalog.Kind.K_DIFFUSION, info, null, requested);
    }

    /** Two model calls per step (prompt-editing step counts are doubled). */
    public boolean secondOrder() {
        return kdiffusion != null && kdiffusion.secondOrder();
    }

    /** The webui's {@code mask_before_denoising}: the timestep samplers blend the model input, not its output. */
    public boolean maskBeforeDenoising() {
        return kind == SamplerCatalog.Kind.TIMESTEPS;
    }

    /** Prompt schedules count denoiser calls: steps × 2 for second-order samplers ({@code total_steps}). */
    public int totalSteps(int steps) {
        return secondOrder() ? steps * 2 : steps;
    }
}
