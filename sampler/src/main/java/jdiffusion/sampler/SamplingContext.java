package jdiffusion.sampler;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import jdiffusion.tensor.Tensor;

/**
 * Everything a sampler run needs besides x and σ: the denoiser, where its random draws come from, the
 * parameters, the per-step callback and the cancellation check. Samplers work on float32 arrays of the
 * latent's shape; this class turns them into tensors for the denoiser and checks shapes.
 *
 * <p>Noise: {@link #randnLike()} is k-diffusion's {@code torch.randn_like(x)} (the image RNG);
 * {@link #noise(float, float)} is the {@code noise_sampler} argument, which defaults to the same
 * {@code randn_like} unless a Brownian-tree sampler was given (SDE samplers in the webui).
 */
public final class SamplingContext {
    private final Denoiser denoiser;
    private final NoiseSource randn;
    private final NoiseSampler noiseSampler;
    private final SamplerParams params;
    private final StepCallback callback;
    private final BooleanSupplier cancelled;
    private int[] shape;
    private int batch;
    private int modelCalls;
    private Tensor lastDenoised;

    /**
     * @param denoiser     D(x, σ)
     * @param randn        the image RNG's {@code next()} (may be null for samplers that draw nothing)
     * @param noiseSampler Brownian-tree noise, or null to use {@code randn} as k-diffusion's default
     * @param params       eta, s_noise, churn
     * @param callback     per-step hook (may be null)
     * @param cancelled    polled before every denoiser call (may be null)
     */
    public SamplingContext(Denoiser denoiser, NoiseSource randn, NoiseSampler noiseSampler, SamplerParams params,
                           StepCallback callback, BooleanSupplier cancelled) {
        this.denoiser = Objects.requireNonNull(denoiser, "denoiser");
        this.randn = randn;
        this.noiseSampler = noiseSampler;
        this.params = Objects.requireNonNull(params, "params");
        this.callback = callback == null ? StepCallback.NONE : callback;
        this.cancelled = cancelled == null ? () -> false : cancelled;
    }

    /** A context with default parameters and no callback or cancellation. */
    public static SamplingContext of(Denoiser denoiser, NoiseSource randn) {
        return new SamplingContext(denoiser, randn, null, SamplerParams.DEFAULTS, null, null);
    }

    public SamplingContext withNoiseSampler(NoiseSampler value) {
        return new SamplingContext(denoiser, randn, value, params, callback, cancelled);
    }

    public SamplingContext withParams(SamplerParams value) {
        return new SamplingContext(denoiser, randn, noiseSampler, value, callback, cancelled);
    }

    public SamplingContext withCallback(StepCallback value) {
        return new SamplingContext(denoiser, randn, noiseSampler, params, value, cancelled);
    }

    public SamplingContext withCancellation(BooleanSupplier value) {
        return new SamplingContext(denoiser, randn, noiseSampler, params, callback, value);
    }

    public SamplerParams params() {
        return params;
    }

    /** The denoiser (samplers that need more than D(x, σ), like DDIM CFG++, inspect it). */
    public Denoiser denoiser() {
        return denoiser;
    }

    public boolean hasNoiseSampler() {
        return noiseSampler != null;
    }

    /** Number of denoiser calls made so far in this run. */
    public int modelCalls() {
        return modelCalls;
    }

    /** Fixes the latent shape of this run ([B, ...]); called by the sampler entry point. */
    public void begin(Tensor x) {
        if (x.rank() < 2) {
            throw new IllegalArgumentException("latent must be [B, C, ...], got " + Arrays.toString(x.shape()));
        }
        this.shape = x.shape();
        this.batch = shape[0];
        this.modelCalls = 0;
        this.lastDenoised = null;
    }

    public int[] shape() {
        return shape.clone();
    }

    /** D(x, σ) with the same σ for every image; returns the denoised values. */
    public float[] denoise(float[] x, float sigma) {
        if (cancelled.getAsBoolean()) {
            throw new SamplingCancelledException(modelCalls, lastDenoised);
        }
        float[] sigmas = new float[batch];
        Arrays.fill(sigmas, sigma);
        Tensor out = denoiser.denoise(Tensor.of(x.clone(), shape), sigmas);
        if (!Arrays.equals(out.shape(), shape)) {
            throw new IllegalStateException("denoiser returned shape " + Arrays.toString(out.shape())
                    + " for a latent of shape " + Arrays.toString(shape));
        }
        modelCalls++;
        lastDenoised = out;
        return out.toFloatArray();
    }

    /** Reports a step to the callback. */
    public void step(int i, float[] x, float sigma, float sigmaHat, float[] denoised) {
        callback.onStep(new StepInfo(i, Tensor.of(x.clone(), shape), sigma, sigmaHat, Tensor.of(denoised.clone(), shape)));
    }

    /** {@code torch.randn_like(x)}: the next image-RNG draw. */
    public float[] randnLike() {
        if (randn == null) {
            throw new IllegalStateException("this sampler draws noise but no noise source was given");
        }
        return checked(randn.next(), "noise source");
    }

    /** {@code noise_sampler(σ, σ')}: Brownian noise if configured, else {@link #randnLike()}. */
    public float[] noise(float sigma, float sigmaNext) {
        if (noiseSampler == null) {
            return randnLike();
        }
        return checked(noiseSampler.noise(sigma, sigmaNext), "noise sampler");
    }

    private float[] checked(Tensor t, String what) {
        if (!Arrays.equals(t.shape(), shape)) {
            throw new IllegalStateException(what + " returned shape " + Arrays.toString(t.shape())
                    + " for a latent of shape " + Arrays.toString(shape));
        }
        return t.toFloatArray();
    }
}
