package jdiffusion.sampler;

/** Progress hook called once per sampler step (k-diffusion's {@code callback}). */
@FunctionalInterface
public interface StepCallback {
    StepCallback NONE = info -> { };

    void onStep(StepInfo info);
}
