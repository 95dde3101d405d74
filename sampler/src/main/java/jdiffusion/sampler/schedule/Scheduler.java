package jdiffusion.sampler.schedule;

import java.util.List;

/**
 * The webui's "Schedule type" list ({@code modules/sd_schedulers.py}, v1.10.1), with the names the
 * infotext and API use ({@link #label()}) and the internal names ({@link #id()}).
 */
public enum Scheduler {
    AUTOMATIC("automatic", "Automatic", -1, false),
    UNIFORM("uniform", "Uniform", -1, true),
    KARRAS("karras", "Karras", 7.0, false),
    EXPONENTIAL("exponential", "Exponential", -1, false),
    POLYEXPONENTIAL("polyexponential", "Polyexponential", 1.0, false),
    SGM_UNIFORM("sgm_uniform", "SGM Uniform", -1, true, "SGMUniform"),
    KL_OPTIMAL("kl_optimal", "KL Optimal", -1, false),
    ALIGN_YOUR_STEPS("align_your_steps", "Align Your Steps", -1, false),
    SIMPLE("simple", "Simple", -1, true),
    NORMAL("normal", "Normal", -1, true),
    DDIM("ddim", "DDIM", -1, true),
    BETA("beta", "Beta", -1, true);

    private final String id;
    private final String label;
    private final double defaultRho;
    private final boolean needsModel;
    private final List<String> aliases;

    Scheduler(String id, String label, double defaultRho, boolean needsModel, String... aliases) {
        this.id = id;
        this.label = label;
        this.defaultRho = defaultRho;
        this.needsModel = needsModel;
        this.aliases = List.of(aliases);
    }

    /** Internal name ({@code karras}). */
    public String id() {
        return id;
    }

    /** UI / infotext name ({@code Karras}). */
    public String label() {
        return label;
    }

    public List<String> aliases() {
        return aliases;
    }

    /** ρ used when the option {@code rho} is 0, or −1 when the scheduler has no ρ. */
    public double defaultRho() {
        return defaultRho;
    }

    /** Whether the formula reads the model's σ table (the webui's {@code need_inner_model}). */
    public boolean needsModel() {
        return needsModel;
    }

    /** Finds a scheduler by id, label or alias (case-insensitive). */
    public static Scheduler byName(String name) {
        String n = name.trim();
        for (Scheduler s : values()) {
            if (s.id.equalsIgnoreCase(n) || s.label.equalsIgnoreCase(n)) {
                return s;
            }
            for (String a : s.aliases) {
                if (a.equalsIgnoreCase(n)) {
                    return s;
                }
            }
        }
        StringBuilder known = new StringBuilder();
        for (Scheduler s : values()) {
            known.append(known.isEmpty() ? "" : ", ").append(s.label);
        }
        throw new IllegalArgumentException("unknown schedule type '" + name + "' (known: " + known + ")");
    }

    /**
     * This scheduler's sigmas for {@code n} steps: the webui's {@code scheduler.function(n, sigma_min,
     * sigma_max, ...)} with σ range and ρ resolved from the model and the options. Float32 values, ending
     * in 0 except for KL Optimal. {@link #AUTOMATIC} is resolved by the sampler and cannot be computed here.
     */
    public float[] sigmas(int n, DiscreteSchedule model, SchedulerOptions options) {
        SigmaFormulas.checkSteps(n);
        double[] range = sigmaRange(model, options);
        double sigmaMin = range[0];
        double sigmaMax = range[1];
        double rho = defaultRho != -1 && options.rho() != 0 ? options.rho() : defaultRho;
        return switch (this) {
            case AUTOMATIC -> throw new IllegalStateException(
                    "the Automatic schedule is the sampler's default; resolve it with SamplerInfo.sigmas");
            case UNIFORM -> model.uniformSigmas(n);
            case KARRAS -> SigmaFormulas.karras(n, sigmaMin, sigmaMax, rho);
            case EXPONENTIAL -> SigmaFormulas.exponential(n, sigmaMin, sigmaMax);
            case POLYEXPONENTIAL -> SigmaFormulas.polyexponential(n, sigmaMin, sigmaMax, rho);
            case SGM_UNIFORM -> SigmaFormulas.normal(n, sigmaMin, sigmaMax, model, true);
            case KL_OPTIMAL -> SigmaFormulas.klOptimal(n, sigmaMin, sigmaMax);
            case ALIGN_YOUR_STEPS -> AlignYourSteps.sigmas(n, options.sdxl());
            case SIMPLE -> SigmaFormulas.simple(n, model);
            case NORMAL -> SigmaFormulas.normal(n, sigmaMin, sigmaMax, model, false);
            case DDIM -> SigmaFormulas.ddim(n, model);
            case BETA -> BetaSchedule.sigmas(n, sigmaMin, sigmaMax, options.betaAlpha(), options.betaBeta());
        };
    }

    /**
     * [σmin, σmax] as the webui's {@code get_sigmas} passes them: the model's table ends (as Python
     * floats of the float32 values), or 0.1..10 with the old-Karras option, overridden by non-zero
     * {@code sigma_min} / {@code sigma_max} options.
     */
    static double[] sigmaRange(DiscreteSchedule model, SchedulerOptions options) {
        double mMin = model.sigmaMin();
        double mMax = model.sigmaMax();
        double min = options.oldKarrasSigmas() ? 0.1 : mMin;
        double max = options.oldKarrasSigmas() ? 10 : mMax;
        if (options.sigmaMin() != 0 && options.sigmaMin() != mMin) {
            min = options.sigmaMin();
        }
        if (options.sigmaMax() != 0 && options.sigmaMax() != mMax) {
            max = options.sigmaMax();
        }
        return new double[] {min, max};
    }

    /** The webui removes the second-to-last sigma, keeping the final one: {@code cat(σ[:-2], σ[-1:])}. */
    public static float[] discardPenultimate(float[] sigmas) {
        if (sigmas.length < 2) {
            throw new IllegalArgumentException("cannot discard the penultimate sigma of " + sigmas.length + " values");
        }
        float[] out = new float[sigmas.length - 1];
        System.arraycopy(sigmas, 0, out, 0, sigmas.length - 2);
        out[out.length - 1] = sigmas[sigmas.length - 1];
        return out;
    }
}
