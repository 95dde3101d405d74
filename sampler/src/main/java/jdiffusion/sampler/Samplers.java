package jdiffusion.sampler;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import jdiffusion.sampler.SamplerInfo.Param;
import jdiffusion.sampler.kdiffusion.DpmSolver;
import jdiffusion.sampler.kdiffusion.DpmppMultistepSde;
import jdiffusion.sampler.kdiffusion.DpmppSde;
import jdiffusion.sampler.kdiffusion.DpmppTwoM;
import jdiffusion.sampler.kdiffusion.DpmppTwoSAncestral;
import jdiffusion.sampler.kdiffusion.Euler;
import jdiffusion.sampler.kdiffusion.EulerAncestral;
import jdiffusion.sampler.kdiffusion.Lms;
import jdiffusion.sampler.kdiffusion.Restart;
import jdiffusion.sampler.schedule.Scheduler;

/**
 * The samplers this runtime offers, with the webui's names, aliases, default schedules and flags
 * (webui v1.10.1 {@code samplers_k_diffusion}), in the webui's order.
 */
public final class Samplers {
    private static final EnumSet<Param> NONE = EnumSet.noneOf(Param.class);
    private static final EnumSet<Param> CHURN = EnumSet.of(Param.CHURN, Param.S_NOISE);
    private static final EnumSet<Param> ETA_NOISE = EnumSet.of(Param.ETA, Param.S_NOISE);

    private static final List<SamplerInfo> ALL = List.of(
            new SamplerInfo("DPM++ 2M", List.of("k_dpmpp_2m"), "sample_dpmpp_2m", Scheduler.KARRAS,
                    false, false, false, false, NONE, DpmppTwoM::new),
            new SamplerInfo("DPM++ SDE", List.of("k_dpmpp_sde"), "sample_dpmpp_sde", Scheduler.KARRAS,
                    false, true, false, true, ETA_NOISE, DpmppSde::new),
            new SamplerInfo("DPM++ 2M SDE", List.of("k_dpmpp_2m_sde"), "sample_dpmpp_2m_sde", Scheduler.EXPONENTIAL,
                    false, false, false, true, ETA_NOISE,
                    () -> new DpmppMultistepSde(DpmppMultistepSde.Variant.TWO_M_MIDPOINT)),
            new SamplerInfo("DPM++ 2M SDE Heun", List.of("k_dpmpp_2m_sde_heun"), "sample_dpmpp_2m_sde",
                    Scheduler.EXPONENTIAL, false, false, false, true, ETA_NOISE,
                    () -> new DpmppMultistepSde(DpmppMultistepSde.Variant.TWO_M_HEUN)),
            new SamplerInfo("DPM++ 2S a", List.of("k_dpmpp_2s_a"), "sample_dpmpp_2s_ancestral", Scheduler.KARRAS,
                    false, true, true, false, ETA_NOISE, DpmppTwoSAncestral::new),
            new SamplerInfo("DPM++ 3M SDE", List.of("k_dpmpp_3m_sde"), "sample_dpmpp_3m_sde", Scheduler.EXPONENTIAL,
                    true, false, false, true, ETA_NOISE,
                    () -> new DpmppMultistepSde(DpmppMultistepSde.Variant.THREE_M)),
            // The webui passes Euler a its eta but not s_noise (sampler_extra_params has no entry for it).
            new SamplerInfo("Euler a", List.of("k_euler_a", "k_euler_ancestral"), "sample_euler_ancestral",
                    Scheduler.UNIFORM, false, false, true, false, EnumSet.of(Param.ETA), () -> new EulerAncestral(false)),
            new SamplerInfo("Euler", List.of("k_euler"), "sample_euler", Scheduler.UNIFORM,
                    false, false, false, false, CHURN, () -> new Euler(Euler.Method.EULER)),
            new SamplerInfo("LMS", List.of("k_lms"), "sample_lms", Scheduler.UNIFORM,
                    false, false, false, false, NONE, Lms::new),
            new SamplerInfo("Heun", List.of("k_heun"), "sample_heun", Scheduler.UNIFORM,
                    false, true, false, false, CHURN, () -> new Euler(Euler.Method.HEUN)),
            new SamplerInfo("DPM2", List.of("k_dpm_2"), "sample_dpm_2", Scheduler.KARRAS,
                    true, true, false, false, CHURN, () -> new Euler(Euler.Method.DPM2)),
            new SamplerInfo("DPM2 a", List.of("k_dpm_2_a"), "sample_dpm_2_ancestral", Scheduler.KARRAS,
                    true, true, true, false, ETA_NOISE, () -> new EulerAncestral(true)),
            new SamplerInfo("DPM fast", List.of("k_dpm_fast"), "sample_dpm_fast", Scheduler.UNIFORM,
                    false, false, true, false, ETA_NOISE, () -> new DpmSolver(false)),
            new SamplerInfo("DPM adaptive", List.of("k_dpm_ad"), "sample_dpm_adaptive", Scheduler.UNIFORM,
                    false, false, true, false, EnumSet.of(Param.ETA), () -> new DpmSolver(true)),
            new SamplerInfo("Restart", List.of("restart"), "restart_sampler", Scheduler.KARRAS,
                    false, true, false, false, NONE, Restart::new));

    private Samplers() {
    }

    /** Every sampler, in the webui's order. */
    public static List<SamplerInfo> all() {
        return ALL;
    }

    /**
     * Finds a sampler by name or alias (case-insensitive). Old combined names such as
     * "DPM++ 2M Karras" resolve to the sampler; use {@link #schedulerOf(String)} for the schedule.
     */
    public static SamplerInfo byName(String name) {
        String n = name.trim();
        for (SamplerInfo s : ALL) {
            if (s.name().equalsIgnoreCase(n) || s.aliases().stream().anyMatch(a -> a.equalsIgnoreCase(n))) {
                return s;
            }
        }
        SamplerInfo combined = splitCombined(n);
        if (combined != null) {
            return combined;
        }
        StringBuilder known = new StringBuilder();
        for (SamplerInfo s : ALL) {
            known.append(known.isEmpty() ? "" : ", ").append(s.name());
        }
        throw new IllegalArgumentException("unknown sampler '" + name + "' (known: " + known
                + "; DDIM, DDIM CFG++, PLMS and UniPC are timestep samplers (TimestepSamplers), LCM is lcm.LcmSampler)");
    }

    /**
     * The scheduler named inside an old combined sampler name ("DPM++ 2M Karras" → Karras), or
     * {@link Scheduler#AUTOMATIC} for a plain name (the webui's {@code get_sampler_and_scheduler}).
     */
    public static Scheduler schedulerOf(String name) {
        String n = name.trim();
        for (SamplerInfo s : ALL) {
            if (s.name().equalsIgnoreCase(n)) {
                return Scheduler.AUTOMATIC;
            }
        }
        for (Scheduler sch : Scheduler.values()) {
            String suffix = " " + sch.label().toLowerCase(Locale.ROOT);
            if (sch != Scheduler.AUTOMATIC && n.toLowerCase(Locale.ROOT).endsWith(suffix)) {
                return sch;
            }
        }
        return Scheduler.AUTOMATIC;
    }

    private static SamplerInfo splitCombined(String n) {
        String lower = n.toLowerCase(Locale.ROOT);
        for (Scheduler sch : Scheduler.values()) {
            String suffix = " " + sch.label().toLowerCase(Locale.ROOT);
            if (sch != Scheduler.AUTOMATIC && lower.endsWith(suffix)) {
                String base = n.substring(0, n.length() - suffix.length()).trim();
                for (SamplerInfo s : ALL) {
                    if (s.name().equalsIgnoreCase(base)) {
                        return s;
                    }
                }
            }
        }
        return null;
    }
}
