package jdiffusion.sampler.timesteps;

import java.util.ArrayList;
import java.util.List;
import jdiffusion.sampler.F32;
import jdiffusion.sampler.SamplingContext;
import jdiffusion.sampler.schedule.DiscreteSchedule;
import jdiffusion.tensor.Tensor;

/**
 * The webui's PLMS ({@code sd_samplers_timesteps_impl.plms}, pseudo linear multistep): a pseudo improved
 * Euler first step (two model calls, ε averaged), then Adams–Bashforth combinations of the last 2, 3 and
 * 4 ε; deterministic DDIM-style updates {@code x = sqrt(a_prev)·x0 + sqrt(1 − a_prev)·ε'}.
 */
public final class Plms implements TimestepSampler {

    @Override
    public Tensor sample(Tensor x0, int[] timesteps, DiscreteSchedule schedule, SamplingContext ctx) {
        Timesteps.check(timesteps, schedule);
        int n = timesteps.length;
        ctx.begin(x0);
        float[] x = x0.toFloatArray();
        List<float[]> old = new ArrayList<>();
        for (int i = 0; i < n - 1; i++) {
            int index = n - 1 - i;
            float[] e = ctx.denoise(x, timesteps[index]);
            float[] prime = new float[x.length];
            if (old.isEmpty()) {
                float[][] first = update(x, e, index, timesteps, schedule);
                float[] eNext = ctx.denoise(first[0], timesteps[Math.max(index - 1, 0)]);
                for (int k = 0; k < x.length; k++) {
                    prime[k] = (e[k] + eNext[k]) / 2;
                }
            } else if (old.size() == 1) {
                float[] o1 = old.get(0);
                for (int k = 0; k < x.length; k++) {
                    prime[k] = (3 * e[k] - o1[k]) / 2;
                }
            } else if (old.size() == 2) {
                float[] o1 = old.get(1);
                float[] o2 = old.get(0);
                for (int k = 0; k < x.length; k++) {
                    prime[k] = ((23 * e[k] - 16 * o1[k]) + 5 * o2[k]) / 12;
                }
            } else {
                float[] o1 = old.get(2);
                float[] o2 = old.get(1);
                float[] o3 = old.get(0);
                for (int k = 0; k < x.length; k++) {
                    prime[k] = (((55 * e[k] - 59 * o1[k]) + 37 * o2[k]) - 9 * o3[k]) / 24;
                }
            }
            float[][] step = update(x, prime, index, timesteps, schedule);
            old.add(e);
            if (old.size() >= 4) {
                old.remove(0);
            }
            x = step[0];
            ctx.step(i, x, 0f, 0f, step[1]);
        }
        return Tensor.of(x, x0.shape());
    }

    /** {x_prev, pred_x0} for ε at position {@code index}. */
    private static float[][] update(float[] x, float[] e, int index, int[] timesteps, DiscreteSchedule schedule) {
        float aT = schedule.alphaCumprod(timesteps[index]);
        float aPrev = schedule.alphaCumprod(index == 0 ? 0 : timesteps[index - 1]);
        float sqrtOneMinusAt = F32.sqrt(1f - aT);
        float sqrtAt = F32.sqrt(aT);
        float dir = F32.sqrt(1f - aPrev);
        float sqrtAPrev = F32.sqrt(aPrev);
        float[] predX0 = new float[x.length];
        float[] prev = new float[x.length];
        for (int k = 0; k < x.length; k++) {
            predX0[k] = (x[k] - sqrtOneMinusAt * e[k]) / sqrtAt;
            prev[k] = sqrtAPrev * predX0[k] + dir * e[k];
        }
        return new float[][] {prev, predX0};
    }
}
