package jdiffusion.sampler;

import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import jdiffusion.sampler.schedule.DiscreteSchedule;
import jdiffusion.sampler.schedule.Scheduler;
import jdiffusion.sampler.schedule.SchedulerOptions;

/**
 * One entry of the webui's sampler list (spec §7.4, {@code sd_samplers_kdiffusion.py} v1.10.1).
 *
 * @param name              UI / infotext name ("DPM++ 2M")
 * @param aliases           API aliases ("k_dpmpp_2m")
 * @param function          the k-diffusion function it runs ("sample_dpmpp_2m")
 * @param defaultScheduler  what "Automatic" means for it ({@link Scheduler#UNIFORM} when it has no default)
 * @param discardPenultimate the webui's {@code discard_next_to_last_sigma}
 * @param secondOrder       two denoiser calls per step (prompt-editing steps are doubled)
 * @param usesEnsd          "eta noise seed delta" is written to the infotext for it (when eta ≠ 0)
 * @param brownianNoise     SDE sampler: the webui gives it a Brownian-tree noise sampler
 * @param params            the {@link SamplerParams} fields the webui passes to it
 * @param factory           creates the sampler
 */
public record SamplerInfo(String name, List<String> aliases, String function, Scheduler defaultScheduler,
                          boolean discardPenultimate, boolean secondOrder, boolean usesEnsd, boolean brownianNoise,
                          Set<Param> params, Supplier<KSampler> factory) {

    /** Sampler parameters that the webui may pass. */
    public enum Param { ETA, S_NOISE, CHURN }

    public SamplerInfo {
        aliases = List.copyOf(aliases);
        params = Set.copyOf(params);
    }

    public KSampler create() {
        return factory.get();
    }

    /** The parameters this sampler actually receives: the others stay at their defaults. */
    public SamplerParams effective(SamplerParams requested) {
        SamplerParams d = SamplerParams.DEFAULTS;
        return new SamplerParams(
                params.contains(Param.ETA) ? requested.eta() : d.eta(),
                params.contains(Param.S_NOISE) ? requested.sNoise() : d.sNoise(),
                params.contains(Param.CHURN) ? requested.sChurn() : d.sChurn(),
                params.contains(Param.CHURN) ? requested.sTmin() : d.sTmin(),
                params.contains(Param.CHURN) ? requested.sTmax() : d.sTmax());
    }

    /**
     * The sigma schedule the webui's {@code KDiffusionSampler.get_sigmas} makes for this sampler:
     * "Automatic" resolves to the sampler's default, one extra step is computed and the penultimate
     * sigma dropped when the sampler (or the option {@code always_discard_next_to_last_sigma}) says so.
     */
    public Sigmas sigmas(Scheduler requested, int steps, DiscreteSchedule model, SchedulerOptions options) {
        boolean discard = discardPenultimate || options.alwaysDiscardPenultimate();
        Scheduler used = requested == Scheduler.AUTOMATIC ? defaultScheduler : requested;
        int n = steps + (discard ? 1 : 0);
        float[] s = used.sigmas(n, model, options);
        if (discard) {
            s = Scheduler.discardPenultimate(s);
        }
        return new Sigmas(s, used, discard);
    }

    /** A schedule and how it was made (for the infotext's "Schedule type" / "Discard penultimate sigma"). */
    public record Sigmas(float[] values, Scheduler scheduler, boolean discardedPenultimate) {
        public Sigmas {
            values = values.clone();
        }

        @Override
        public float[] values() {
            return values.clone();
        }
    }
}
