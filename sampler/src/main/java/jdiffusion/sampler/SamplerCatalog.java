package jdiffusion.sampler;

import java.util.ArrayList;
import java.util.List;
import jdiffusion.sampler.lcm.LcmSampler;
import jdiffusion.sampler.timesteps.TimestepSamplers;

/**
 * Every sampler this runtime offers, in the webui's order (k-diffusion samplers, then the timestep
 * samplers, then LCM), for listings such as {@code jdiffusion samplers}.
 */
public final class SamplerCatalog {
    private SamplerCatalog() {
    }

    /** How a sampler is driven. */
    public enum Kind {
        /** {@link KSampler} on a σ schedule, with {@link jdiffusion.sampler.cfg.CompVisDenoiser}. */
        K_DIFFUSION,
        /** {@link jdiffusion.sampler.timesteps.TimestepSampler} with {@link jdiffusion.sampler.cfg.TimestepsDenoiser}. */
        TIMESTEPS,
        /** {@link LcmSampler} with {@link jdiffusion.sampler.lcm.LcmDenoiser}. */
        LCM
    }

    /**
     * One line of the listing.
     *
     * @param name             webui name
     * @param aliases          API aliases
     * @param kind             how it is driven
     * @param defaultSchedule  what "Automatic" means ("timesteps" / "LCM" for the other kinds)
     * @param notes            flags in words (second order, Brownian noise, discards penultimate sigma, ENSD)
     */
    public record Entry(String name, List<String> aliases, Kind kind, String defaultSchedule, String notes) {
    }

    public static List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        for (SamplerInfo s : Samplers.all()) {
            List<String> notes = new ArrayList<>();
            if (s.secondOrder()) {
                notes.add("second order");
            }
            if (s.brownianNoise()) {
                notes.add("Brownian noise");
            }
            if (s.discardPenultimate()) {
                notes.add("discards penultimate sigma");
            }
            if (s.usesEnsd()) {
                notes.add("ENSD");
            }
            out.add(new Entry(s.name(), s.aliases(), Kind.K_DIFFUSION, s.defaultScheduler().label(), String.join(", ", notes)));
        }
        for (TimestepSamplers.Info t : TimestepSamplers.all()) {
            out.add(new Entry(t.name(), t.aliases(), Kind.TIMESTEPS, "timesteps", t.usesEta() ? "Eta DDIM" : ""));
        }
        out.add(new Entry(LcmSampler.NAME, List.of(LcmSampler.ALIAS), Kind.LCM, "LCM", ""));
        return out;
    }
}
