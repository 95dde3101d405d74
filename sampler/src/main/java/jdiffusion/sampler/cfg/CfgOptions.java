package jdiffusion.sampler.cfg;

import jdiffusion.tensor.Tensor;

/**
 * The webui settings that change what {@code CFGDenoiser.forward} does (all defaults off except
 * batching).
 *
 * @param batchCondUncond  {@code batch_cond_uncond}: cond and uncond rows in one model call when their
 *                         token counts match (default on); off runs slices of batch-size rows
 * @param padCondUncond    "Pad conds": append empty-prompt chunks to the shorter of cond/uncond
 * @param padCondUncondV0  "Pad conds v0": repeat/truncate the uncond's tokens to the cond's count
 * @param emptyPrompt      the encoded empty prompt [1, 77, C] that "Pad conds" appends (null if unused)
 * @param sMinUncond       NGMS "Negative Guidance minimum sigma" (0 = off)
 * @param sMinUncondAll    apply NGMS on every step instead of every other one
 * @param skipEarlyCond    skip the uncond while step/totalSteps ≤ this fraction (0 = off)
 * @param totalSteps       denominator for {@code skipEarlyCond} (denoiser calls of the run)
 */
public record CfgOptions(boolean batchCondUncond, boolean padCondUncond, boolean padCondUncondV0, Tensor emptyPrompt,
                         double sMinUncond, boolean sMinUncondAll, double skipEarlyCond, int totalSteps) {

    public static final CfgOptions DEFAULTS = new CfgOptions(true, false, false, null, 0, false, 0, 0);

    public CfgOptions {
        if (padCondUncond && emptyPrompt == null) {
            throw new IllegalArgumentException("\"Pad conds\" needs the encoded empty prompt");
        }
        if (skipEarlyCond < 0 || sMinUncond < 0) {
            throw new IllegalArgumentException("skip_early_cond and s_min_uncond must be >= 0, got "
                    + skipEarlyCond + ", " + sMinUncond);
        }
        if (skipEarlyCond > 0 && totalSteps <= 0) {
            throw new IllegalArgumentException("skip_early_cond needs the total number of steps");
        }
    }
}
