package jdiffusion.sd.pipeline;

/**
 * {@code setup_img2img_steps} (spec img2img.md §4.1): the schedule length {@code stepsPrime} and
 * {@code tEnc}. Default: {@code steps' = N}, {@code t_enc = trunc(min(d, 0.999)·N)} (binary64). With
 * "do exactly the amount of steps" (and always for the hires pass): {@code steps' = trunc(N / min(d,
 * 0.999))} (0 when d = 0) and {@code t_enc = N − 1}. The sampler makes {@code t_enc + 1} steps.
 */
record Img2ImgSteps(int stepsPrime, int tEnc) {

    static Img2ImgSteps of(int steps, double denoisingStrength, boolean fixSteps) {
        if (!(denoisingStrength >= 0 && denoisingStrength <= 1)) {
            throw new IllegalArgumentException("Denoising strength must be within [0, 1], got " + denoisingStrength);
        }
        double d = Math.min(denoisingStrength, 0.999);
        if (fixSteps) {
            int prime = denoisingStrength > 0 ? (int) (steps / d) : 0;
            return new Img2ImgSteps(prime, steps - 1);
        }
        return new Img2ImgSteps(steps, (int) (d * steps));
    }
}
