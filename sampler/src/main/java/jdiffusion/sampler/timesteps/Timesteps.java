package jdiffusion.sampler.timesteps;

import java.util.Arrays;
import jdiffusion.sampler.F32;
import jdiffusion.sampler.schedule.DiscreteSchedule;
import jdiffusion.tensor.Tensor;

/** The timestep grid of the webui's DDIM/PLMS/UniPC samplers ({@code sd_samplers_timesteps.py}). */
public final class Timesteps {
    private Timesteps() {
    }

    /**
     * {@code clip(range(0, 1000, 1000 div n) + 1, 0, 999)} with n = steps (+1 when the penultimate is
     * discarded): 20 steps give 1, 51, …, 951; the list has more than n entries when 1000 is not a
     * multiple of n.
     */
    public static int[] webui(int steps, boolean discardPenultimate) {
        int n = steps + (discardPenultimate ? 1 : 0);
        if (n < 1 || n > 1000) {
            throw new IllegalArgumentException("timestep samplers need 1..1000 steps, got " + n);
        }
        int stride = 1000 / n;
        int count = (1000 + stride - 1) / stride;
        int[] t = new int[count];
        for (int k = 0; k < count; k++) {
            t[k] = Math.min(999, k * stride + 1);
        }
        return t;
    }

    /**
     * img2img for the timestep samplers: with t_enc = int(min(strength, 0.999)·steps), sampling runs on
     * {@code timesteps[:t_enc]} starting from {@code x0·sqrt(ᾱ) + noise·sqrt(1 − ᾱ)}, ᾱ = ᾱ[timesteps[t_enc]].
     */
    public static Start img2img(int[] timesteps, int steps, double strength, Tensor init, Tensor noise,
                                DiscreteSchedule schedule) {
        if (!(strength >= 0 && strength <= 1)) {
            throw new IllegalArgumentException("denoising strength must be in [0, 1], got " + strength);
        }
        int tEnc = (int) (Math.min(strength, 0.999) * steps);
        if (tEnc >= timesteps.length) {
            throw new IllegalArgumentException("t_enc " + tEnc + " outside " + timesteps.length + " timesteps");
        }
        float a = schedule.alphaCumprod(timesteps[tEnc]);
        float sa = F32.sqrt(a);
        float s1 = F32.sqrt(1f - a);
        float[] x = init.toFloatArray();
        float[] n = noise.toFloatArray();
        if (x.length != n.length) {
            throw new IllegalArgumentException("init and noise sizes differ: " + x.length + " vs " + n.length);
        }
        for (int i = 0; i < x.length; i++) {
            x[i] = x[i] * sa + n[i] * s1;
        }
        return new Start(Tensor.of(x, init.shape()), Arrays.copyOf(timesteps, tEnc));
    }

    /** Rejects an empty, unordered or out-of-range timestep list with a message naming it. */
    static void check(int[] timesteps, DiscreteSchedule schedule) {
        if (timesteps.length == 0) {
            throw new IllegalArgumentException("timestep sampler needs at least one timestep");
        }
        for (int i = 0; i < timesteps.length; i++) {
            if (timesteps[i] < 0 || timesteps[i] >= schedule.size() || (i > 0 && timesteps[i] <= timesteps[i - 1])) {
                throw new IllegalArgumentException("timesteps must increase within [0, " + schedule.size() + "), got "
                        + Arrays.toString(timesteps));
            }
        }
    }

    /** Where an img2img run starts. */
    public record Start(Tensor x, int[] timesteps) {
    }
}
