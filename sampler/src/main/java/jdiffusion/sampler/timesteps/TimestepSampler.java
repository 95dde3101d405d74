package jdiffusion.sampler.timesteps;

import jdiffusion.sampler.SamplingContext;
import jdiffusion.sampler.schedule.DiscreteSchedule;
import jdiffusion.tensor.Tensor;

/**
 * A sampler of the webui's timestep family: it works on x_t (not scaled by σ), calls the denoiser
 * with integer timesteps as its level, and gets the CFG-combined ε back
 * ({@link jdiffusion.sampler.cfg.CfgDenoiser} over a {@link jdiffusion.sampler.cfg.TimestepsDenoiser}).
 */
public interface TimestepSampler {
    /** x: [B, C, h, w] at timestep[last]; timesteps increasing (the webui's list) -> x at ᾱ[timesteps[0]]. */
    Tensor sample(Tensor x, int[] timesteps, DiscreteSchedule schedule, SamplingContext ctx);

    /**
     * As {@link #sample(Tensor, int[], DiscreteSchedule, SamplingContext)}, told whether this is an img2img
     * run (the webui passes {@code is_img2img} to the samplers that take it: UniPC starts later then).
     */
    default Tensor sample(Tensor x, int[] timesteps, DiscreteSchedule schedule, SamplingContext ctx, boolean img2img) {
        return sample(x, timesteps, schedule, ctx);
    }

    /** Sampling steps (progress callbacks) a run over {@code timesteps} timesteps makes: DDIM/PLMS one fewer. */
    default int steps(int timesteps) {
        return timesteps - 1;
    }
}
