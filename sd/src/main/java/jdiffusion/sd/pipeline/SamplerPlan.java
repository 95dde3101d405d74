package jdiffusion.sd.pipeline;

import java.util.LinkedHashMap;
import java.util.Map;
import jdiffusion.loaders.config.Prediction;
import jdiffusion.sampler.SamplerCatalog;
import jdiffusion.sampler.SamplerInfo;
import jdiffusion.sampler.SamplerParams;
import jdiffusion.sampler.cfg.CompVisDenoiser;
import jdiffusion.sampler.cfg.ModelWrapper;
import jdiffusion.sampler.cfg.Parameterization;
import jdiffusion.sampler.cfg.TimestepsDenoiser;
import jdiffusion.sampler.lcm.LcmDenoiser;
import jdiffusion.sampler.schedule.DiscreteSchedule;
import jdiffusion.sampler.schedule.Scheduler;
import jdiffusion.sampler.schedule.SchedulerOptions;
import jdiffusion.sampler.timesteps.Timesteps;

/**
 * The schedule, model wrapper and sampler parameters of one pass, as the webui's
 * {@code KDiffusionSampler.get_sigmas} / {@code initialize} (and the timestep and LCM samplers)
 * derive them, together with the infotext entries those functions add.
 */
final class SamplerPlan {
    private final SamplerChoice choice;
    private final SamplerOptions options;
    private final DiscreteSchedule schedule;
    private final Parameterization parameterization;
    private final SchedulerOptions scheduleOptions;
    private final LcmDenoiser lcm;

    private SamplerPlan(SamplerChoice choice, SamplerOptions options, DiscreteSchedule schedule, Prediction prediction,
                        boolean sdxl) {
        this.choice = choice;
        this.options = options;
        this.schedule = schedule;
        this.parameterization = prediction == Prediction.V_PREDICTION ? Parameterization.V : Parameterization.EPSILON;
        this.scheduleOptions = options.schedule().withSdxl(sdxl);
        this.lcm = choice.kind() == SamplerCatalog.Kind.LCM ? new LcmDenoiser(schedule) : null;
    }

    /** The plan for {@code model}: its schedule, prediction type and (SDXL or not) schedule defaults. */
    static SamplerPlan of(SamplerChoice choice, SamplerOptions options, SdModel model) {
        return new SamplerPlan(choice, options, model.schedule(), model.config().prediction(),
                model.config().architecture().name().startsWith("SDXL"));
    }

    SamplerChoice choice() {
        return choice;
    }

    DiscreteSchedule schedule() {
        return schedule;
    }

    /** What the UNet rows become: denoised x0 (k-diffusion), ε (timestep samplers) or LCM's boundary form. */
    ModelWrapper wrapper() {
        return switch (choice.kind()) {
            case K_DIFFUSION -> new CompVisDenoiser(schedule, parameterization, options.quantization());
            case TIMESTEPS -> new TimestepsDenoiser(schedule, parameterization);
            case LCM -> lcm;
        };
    }

    /** The full σ schedule for {@code n} steps ({@code get_sigmas}); infotext entries go to {@code info}. */
    float[] sigmas(int n, Map<String, Object> info) {
        if (choice.kind() == SamplerCatalog.Kind.LCM) {
            return choice.scheduler() == Scheduler.AUTOMATIC ? lcm.sigmas(n)
                    : choice.scheduler().sigmas(n, lcm.table(), scheduleOptions);
        }
        SamplerInfo k = choice.kdiffusion();
        SamplerInfo.Sigmas s = k.sigmas(choice.scheduler(), n, schedule, scheduleOptions);
        if (scheduleOptions.alwaysDiscardPenultimate() && !k.discardPenultimate()) {
            info.put("Discard penultimate sigma", Boolean.TRUE);
        }
        scheduleInfo(s.scheduler(), info);
        return s.values();
    }

    /** The timestep list for {@code n} steps (DDIM/PLMS). */
    int[] timesteps(int n, Map<String, Object> info) {
        boolean discard = scheduleOptions.alwaysDiscardPenultimate();
        if (discard) {
            info.put("Discard penultimate sigma", Boolean.TRUE);
        }
        return Timesteps.webui(n, discard);
    }

    /** The options {@code get_sigmas} applies (and records) for a scheduler with its own formula. */
    private void scheduleInfo(Scheduler used, Map<String, Object> info) {
        if (used == Scheduler.UNIFORM) {
            return; // the model's own uniform sigmas: the σ-range and ρ options do not apply
        }
        if (scheduleOptions.sigmaMin() != 0 && scheduleOptions.sigmaMin() != schedule.sigmaMin()) {
            info.put("Schedule min sigma", scheduleOptions.sigmaMin());
        }
        if (scheduleOptions.sigmaMax() != 0 && scheduleOptions.sigmaMax() != schedule.sigmaMax()) {
            info.put("Schedule max sigma", scheduleOptions.sigmaMax());
        }
        if (used.defaultRho() != -1 && scheduleOptions.rho() != 0) {
            info.put("Schedule rho", scheduleOptions.rho());
        }
        if (used == Scheduler.BETA) {
            info.put("Beta schedule alpha", scheduleOptions.betaAlpha());
            info.put("Beta schedule beta", scheduleOptions.betaBeta());
        }
    }

    /**
     * The infotext's {@code Schedule type}: the scheduler actually used, or the requested label when
     * the sampler has no default and "Automatic" fell back to the model's uniform sigmas.
     */
    String scheduleLabel(String requested) {
        if (choice.kind() != SamplerCatalog.Kind.K_DIFFUSION) {
            return Scheduler.byName(requested).label();
        }
        Scheduler s = choice.scheduler();
        if (s == Scheduler.AUTOMATIC) {
            Scheduler d = choice.kdiffusion().defaultScheduler();
            return d == Scheduler.UNIFORM ? Scheduler.AUTOMATIC.label() : d.label();
        }
        return s.label();
    }

    /** The parameters the sampler receives ({@code initialize}); non-default ones are recorded in {@code info}. */
    SamplerParams params(Map<String, Object> info) {
        if (choice.kind() == SamplerCatalog.Kind.TIMESTEPS) {
            if (choice.timesteps().usesEta() && options.etaDdim() != 0) {
                info.put("Eta DDIM", options.etaDdim());
            }
            return SamplerParams.DEFAULTS.withEta(options.etaDdim());
        }
        if (choice.kind() == SamplerCatalog.Kind.LCM) {
            return SamplerParams.DEFAULTS;
        }
        SamplerParams requested = new SamplerParams(options.etaAncestral(), options.sNoise(), options.sChurn(),
                options.sTmin(), SamplerParams.sTmaxFromOption(options.sTmax()));
        SamplerInfo k = choice.kdiffusion();
        var p = k.params();
        Map<String, Object> m = new LinkedHashMap<>();
        if (p.contains(SamplerInfo.Param.ETA) && options.etaAncestral() != 1.0) {
            m.put("Eta", options.etaAncestral());
        }
        if (p.contains(SamplerInfo.Param.CHURN)) {
            if (options.sChurn() != 0) {
                m.put("Sigma churn", options.sChurn());
            }
            if (options.sTmin() != 0) {
                m.put("Sigma tmin", options.sTmin());
            }
            if (options.sTmax() != 0) {
                m.put("Sigma tmax", options.sTmax());
            }
        }
        if (p.contains(SamplerInfo.Param.S_NOISE) && options.sNoise() != 1.0) {
            m.put("Sigma noise", options.sNoise());
        }
        info.putAll(m);
        return k.effective(requested);
    }

    /** Whether this sampler uses ENSD (written to the infotext only then, and only with eta ≠ 0). */
    boolean writesEnsd() {
        return choice.kdiffusion() != null && choice.kdiffusion().usesEnsd() && options.etaAncestral() != 0;
    }
}
