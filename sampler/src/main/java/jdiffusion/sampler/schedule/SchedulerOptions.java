package jdiffusion.sampler.schedule;

/**
 * The webui settings that change a schedule (spec §7.3). Zero means "not set" for the three sigma
 * options, as in the webui's option defaults.
 *
 * @param sigmaMin               option {@code sigma_min} ("Schedule min sigma"), 0 = model value
 * @param sigmaMax               option {@code sigma_max} ("Schedule max sigma"), 0 = model value
 * @param rho                    option {@code rho} ("Schedule rho"), 0 = the scheduler's default
 * @param oldKarrasSigmas        {@code use_old_karras_scheduler_sigmas}: σ range 0.1..10
 * @param alwaysDiscardPenultimate {@code always_discard_next_to_last_sigma}
 * @param sdxl                   the model is SDXL (Align Your Steps has separate tables)
 * @param betaAlpha              {@code beta_dist_alpha} (0.6)
 * @param betaBeta               {@code beta_dist_beta} (0.6)
 */
public record SchedulerOptions(double sigmaMin, double sigmaMax, double rho, boolean oldKarrasSigmas,
                               boolean alwaysDiscardPenultimate, boolean sdxl, double betaAlpha, double betaBeta) {

    public static final SchedulerOptions DEFAULTS = new SchedulerOptions(0, 0, 0, false, false, false, 0.6, 0.6);

    public SchedulerOptions {
        if (sigmaMin < 0 || sigmaMax < 0 || rho < 0 || !Double.isFinite(sigmaMin + sigmaMax + rho)) {
            throw new IllegalArgumentException("schedule sigma_min/sigma_max/rho must be finite and >= 0 (0 = default), got "
                    + sigmaMin + "/" + sigmaMax + "/" + rho);
        }
        if (!(betaAlpha > 0) || !(betaBeta > 0)) {
            throw new IllegalArgumentException("beta schedule alpha and beta must be > 0, got " + betaAlpha + ", " + betaBeta);
        }
    }

    public SchedulerOptions withSdxl(boolean value) {
        return new SchedulerOptions(sigmaMin, sigmaMax, rho, oldKarrasSigmas, alwaysDiscardPenultimate, value, betaAlpha, betaBeta);
    }
}
