package jdiffusion.sampler.timesteps;

import jdiffusion.sampler.F32;
import jdiffusion.sampler.SamplingContext;
import jdiffusion.sampler.cfg.CfgDenoiser;
import jdiffusion.sampler.schedule.DiscreteSchedule;
import jdiffusion.tensor.Tensor;

/**
 * The webui's DDIM ({@code sd_samplers_timesteps_impl.ddim}) and DDIM CFG++ ({@code ddim_cfgpp}):
 * len(timesteps) − 1 steps from the last timestep down to ᾱ[timesteps[0]];
 * {@code x = sqrt(a_prev)·x0 + sqrt(1 − a_prev − σ_t²)·ε + σ_t·noise} with
 * σ_t = η·sqrt((1 − a_prev)/(1 − a)·(1 − a/a_prev)) (η = "Eta DDIM", default 0). One image-RNG draw
 * per step even when σ_t = 0. CFG++ divides the CFG scale by 12.5 and points the direction term along
 * the unconditional ε.
 */
public final class Ddim implements TimestepSampler {
    private final boolean cfgPlusPlus;

    public Ddim(boolean cfgPlusPlus) {
        this.cfgPlusPlus = cfgPlusPlus;
    }

    @Override
    public Tensor sample(Tensor x0, int[] timesteps, DiscreteSchedule schedule, SamplingContext ctx) {
        Timesteps.check(timesteps, schedule);
        CfgDenoiser cfg = null;
        if (cfgPlusPlus) {
            if (!(ctx.denoiser() instanceof CfgDenoiser c)) {
                throw new IllegalArgumentException("DDIM CFG++ needs the CFG denoiser (it uses the unconditional noise)");
            }
            cfg = c;
            cfg.setScaleMultiplier(1 / 12.5);
        }
        int n = timesteps.length;
        float[] alphas = new float[n];
        float[] alphasPrev = new float[n];
        double[] sigmas = new double[n];
        double eta = ctx.params().eta();
        for (int i = 0; i < n; i++) {
            alphas[i] = schedule.alphaCumprod(timesteps[i]);
            alphasPrev[i] = schedule.alphaCumprod(i == 0 ? 0 : timesteps[i - 1]);
            double a = alphas[i];
            double ap = alphasPrev[i];
            sigmas[i] = eta * Math.sqrt((1 - ap) / (double) (1f - alphas[i]) * (1 - a / ap));
        }
        ctx.begin(x0);
        float[] x = x0.toFloatArray();
        for (int i = 0; i < n - 1; i++) {
            int index = n - 1 - i;
            float[] e = ctx.denoise(x, timesteps[index]);
            float[] dirEps = cfgPlusPlus ? cfg.lastUncond().toFloatArray() : e;
            float aT = alphas[index];
            float aPrev = alphasPrev[index];
            float sigmaT = (float) sigmas[index];
            float sqrtOneMinusAt = F32.sqrt(1f - alphas[index]);
            float sqrtAt = F32.sqrt(aT);
            float dir = F32.sqrt((1f - aPrev) - sigmaT * sigmaT);
            float sqrtAPrev = F32.sqrt(aPrev);
            float[] noise = ctx.randnLike();
            float[] predX0 = new float[x.length];
            float[] next = new float[x.length];
            for (int k = 0; k < x.length; k++) {
                predX0[k] = (x[k] - sqrtOneMinusAt * e[k]) / sqrtAt;
                next[k] = (sqrtAPrev * predX0[k] + dir * dirEps[k]) + sigmaT * noise[k];
            }
            x = next;
            ctx.step(i, x, 0f, 0f, predX0);
        }
        return Tensor.of(x, x0.shape());
    }
}
