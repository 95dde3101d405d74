package jdiffusion.sampler.cfg;

import java.util.Arrays;
import jdiffusion.sampler.F32;
import jdiffusion.sampler.schedule.DiscreteSchedule;
import jdiffusion.tensor.Tensor;

/**
 * The webui's {@code CompVisTimestepsDenoiser} / {@code CompVisTimestepsVDenoiser} for DDIM, PLMS and
 * UniPC: the UNet is called on x_t itself at the integer timestep, and its output is ε (a v-model's
 * output is converted: ε = sqrt(ᾱ_t)·v + sqrt(1 − ᾱ_t)·x_t).
 */
public final class TimestepsDenoiser implements ModelWrapper {
    private final DiscreteSchedule schedule;
    private final Parameterization parameterization;

    public TimestepsDenoiser(DiscreteSchedule schedule, Parameterization parameterization) {
        this.schedule = schedule;
        this.parameterization = parameterization;
    }

    @Override
    public Tensor denoise(DiffusionModel model, Tensor x, float[] timesteps, Conditioning cond) {
        Tensor out = model.apply(x, timesteps.clone(), cond);
        if (!Arrays.equals(out.shape(), x.shape())) {
            throw new IllegalStateException("model returned shape " + Arrays.toString(out.shape())
                    + " for input " + Arrays.toString(x.shape()));
        }
        if (parameterization == Parameterization.EPSILON) {
            return out;
        }
        float[] v = out.toFloatArray();
        float[] xs = x.toFloatArray();
        int per = xs.length / timesteps.length;
        float[] eps = new float[xs.length];
        for (int r = 0; r < timesteps.length; r++) {
            float a = schedule.alphaCumprod((int) timesteps[r]);
            float sa = F32.sqrt(a);
            float s1 = F32.sqrt(1f - a);
            for (int i = r * per; i < (r + 1) * per; i++) {
                eps[i] = sa * v[i] + s1 * xs[i];
            }
        }
        return Tensor.of(eps, x.shape());
    }
}
