package jdiffusion.sampler;

import java.util.Arrays;
import jdiffusion.tensor.Tensor;

/** How the webui puts noise into the starting latent (spec §6.7), in float32. */
public final class Latents {
    private Latents() {
    }

    /** txt2img: {@code noise · σ0}. */
    public static Tensor scale(Tensor noise, float sigma) {
        float[] a = noise.toFloatArray();
        for (int i = 0; i < a.length; i++) {
            a[i] *= sigma;
        }
        return Tensor.of(a, noise.shape());
    }

    /** txt2img with the option {@code sgm_noise_multiplier}: {@code noise · sqrt(1 + σ0²)}. */
    public static Tensor scaleSgm(Tensor noise, float sigma) {
        return scale(noise, F32.sqrt(1f + sigma * sigma));
    }

    /** img2img: {@code init + noise · σ_start} (noise first multiplied, then added). */
    public static Tensor addNoise(Tensor init, Tensor noise, float sigma) {
        if (!Arrays.equals(init.shape(), noise.shape())) {
            throw new IllegalArgumentException("init latent " + Arrays.toString(init.shape()) + " and noise "
                    + Arrays.toString(noise.shape()) + " differ in shape");
        }
        float[] x = init.toFloatArray();
        float[] n = noise.toFloatArray();
        for (int i = 0; i < x.length; i++) {
            x[i] = x[i] + n[i] * sigma;
        }
        return Tensor.of(x, init.shape());
    }

    /** The option {@code img2img_extra_noise}: {@code xi + noise · amount}. */
    public static Tensor addExtraNoise(Tensor xi, Tensor noise, float amount) {
        return addNoise(xi, noise, amount);
    }

    /**
     * img2img's schedule: {@code t_enc = int(min(denoising_strength, 0.999)·steps)} and the sampler runs
     * on {@code sigmas[steps − t_enc − 1:]} (t_enc + 1 denoiser steps).
     */
    public static float[] img2imgSigmas(float[] sigmas, int steps, double denoisingStrength) {
        if (!(denoisingStrength >= 0 && denoisingStrength <= 1)) {
            throw new IllegalArgumentException("denoising strength must be in [0, 1], got " + denoisingStrength);
        }
        int tEnc = (int) (Math.min(denoisingStrength, 0.999) * steps);
        int from = steps - tEnc - 1;
        if (from < 0 || from >= sigmas.length) {
            throw new IllegalArgumentException("schedule of " + sigmas.length + " sigmas is too short for " + steps + " steps");
        }
        return Arrays.copyOfRange(sigmas, from, sigmas.length);
    }
}
