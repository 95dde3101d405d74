package jdiffusion.sampler.kdiffusion;

import java.util.ArrayList;
import java.util.List;
import jdiffusion.sampler.F32;
import jdiffusion.sampler.KSampler;
import jdiffusion.sampler.SamplingContext;
import jdiffusion.sampler.schedule.SigmaFormulas;

/**
 * The webui's "Restart" sampler ({@code sd_samplers_extra.restart_sampler}, Xu et al. 2023) with its
 * automatic restart list: from 20 steps on, the main schedule is rebuilt as Karras over
 * [σ[−2], σ[0]] with {@code steps − restart_steps·restart_times} steps, and at the σ nearest 0.1 the
 * sampler jumps back up to the σ nearest 2 (fresh noise of size sqrt(σ_old² − σ_last²)) and
 * re-descends on a Karras schedule of {@code restart_steps + 1} points, {@code restart_times} times.
 * Every hop is a Heun step (Euler into σ = 0). Below 20 steps it is plain Heun without churn.
 */
public final class Restart implements KSampler {

    /** One hop of the step list. */
    record Hop(float from, float to) {
    }

    @Override
    public float[] run(float[] x, float[] sigmas, SamplingContext ctx) {
        float sNoise = (float) ctx.params().sNoise();
        int stepId = 0;
        Float last = null;
        for (Hop hop : stepList(sigmas)) {
            if (last == null) {
                last = hop.from;
            } else if (last < hop.from) {
                float scale = F32.sqrt(hop.from * hop.from - last * last);
                x = Arith.addNoise(x, ctx.randnLike(), sNoise, scale);
            }
            x = heunStep(x, hop.from, hop.to, stepId++, ctx);
            last = hop.to;
        }
        return x;
    }

    private static float[] heunStep(float[] x, float from, float to, int stepId, SamplingContext ctx) {
        float[] denoised = ctx.denoise(x, from);
        float[] d = Arith.toD(x, denoised, from);
        ctx.step(stepId, x, to, from, denoised);
        float dt = to - from;
        if (to == 0) {
            return Arith.addScaled(x, d, dt);
        }
        float[] x2 = Arith.addScaled(x, d, dt);
        float[] d2 = Arith.toD(x2, ctx.denoise(x2, to), to);
        float[] dPrime = new float[x.length];
        for (int k = 0; k < x.length; k++) {
            dPrime[k] = (d[k] + d2[k]) / 2f;
        }
        return Arith.addScaled(x, dPrime, dt);
    }

    /** The (σ_from, σ_to) hops the webui's automatic restart list produces for a schedule. */
    static List<Hop> stepList(float[] sigmas) {
        int steps = sigmas.length - 1;
        int restartSteps = 0;
        int restartTimes = 0;
        boolean restart = steps >= 20;
        if (restart) {
            restartSteps = 9;
            restartTimes = 1;
            if (steps >= 36) {
                restartSteps = steps / 4;
                restartTimes = 2;
            }
            sigmas = SigmaFormulas.karras(steps - restartSteps * restartTimes, sigmas[sigmas.length - 2], sigmas[0], 7.0);
        }
        int restartAt = restart ? nearest(sigmas, 0.1f) : -1;
        List<Hop> hops = new ArrayList<>();
        for (int i = 0; i < sigmas.length - 1; i++) {
            hops.add(new Hop(sigmas[i], sigmas[i + 1]));
            if (i + 1 == restartAt) {
                int minIdx = i + 1;
                int maxIdx = nearest(sigmas, 2f);
                if (maxIdx < minIdx) {
                    float[] full = SigmaFormulas.karras(restartSteps + 1, sigmas[minIdx], sigmas[maxIdx], 7.0);
                    float[] up = java.util.Arrays.copyOf(full, full.length - 1);
                    for (int t = 0; t < restartTimes; t++) {
                        for (int k = 0; k < up.length - 1; k++) {
                            hops.add(new Hop(up[k], up[k + 1]));
                        }
                    }
                }
            }
        }
        return hops;
    }

    /** {@code argmin(abs(sigmas − key))} (first of equal distances), in float32. */
    static int nearest(float[] sigmas, float key) {
        int best = 0;
        float bestDist = Float.POSITIVE_INFINITY;
        for (int i = 0; i < sigmas.length; i++) {
            float dist = Math.abs(sigmas[i] - key);
            if (dist < bestDist) {
                bestDist = dist;
                best = i;
            }
        }
        return best;
    }
}
