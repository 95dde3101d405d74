package jdiffusion.sampler.lcm;

import java.util.Arrays;
import jdiffusion.sampler.F32;
import jdiffusion.sampler.cfg.CompVisDenoiser;
import jdiffusion.sampler.cfg.Conditioning;
import jdiffusion.sampler.cfg.DiffusionModel;
import jdiffusion.sampler.cfg.ModelWrapper;
import jdiffusion.sampler.schedule.DiscreteSchedule;
import jdiffusion.tensor.Tensor;

/**
 * The webui's {@code LCMCompVisDenoiser} (spec §7.6) for latent-consistency models (LCM / LCM-LoRA):
 * a 50-entry schedule taken from every 20th ᾱ (ᾱ_lcm[49 − k] = ᾱ[999 − 20k]); the UNet timestep is
 * the nearest entry's original timestep {@code 20·argmin|ln σ − ln σ_k| + 19}; and the ε prediction is
 * mapped through LCM's boundary condition with σ_data = 0.5 and s = 10·t:
 * {@code D = s/sqrt(s² + ¼)·(x − σ·ε) + ¼/(s² + ¼)·x}.
 */
public final class LcmDenoiser implements ModelWrapper {
    static final int ORIGINAL_STEPS = 50;
    static final int SKIP = 1000 / ORIGINAL_STEPS;

    private final DiscreteSchedule table;

    /** @param model the model's 1000-step schedule */
    public LcmDenoiser(DiscreteSchedule model) {
        if (model.size() != 1000) {
            throw new IllegalArgumentException("LCM needs the 1000-step schedule, got " + model.size());
        }
        float[] ac = new float[ORIGINAL_STEPS];
        for (int k = 0; k < ORIGINAL_STEPS; k++) {
            ac[ORIGINAL_STEPS - 1 - k] = model.alphaCumprod(999 - k * SKIP);
        }
        this.table = DiscreteSchedule.fromAlphasCumprod(ac);
    }

    /** The 50-entry schedule (its σ range is what σ-range schedulers use with LCM). */
    public DiscreteSchedule table() {
        return table;
    }

    /** The UNet timestep for σ: 20·(nearest entry) + 19. */
    public int timestep(float sigma) {
        return table.sigmaToTQuantized(sigma) * SKIP + (SKIP - 1);
    }

    /** LCM's {@code t_to_sigma}: t mapped to the 50-entry index (t − 19)/20, clamped, interpolated. */
    public float tToSigma(float t) {
        float idx = (t - (SKIP - 1)) / SKIP;
        idx = Math.min(Math.max(idx, 0f), ORIGINAL_STEPS - 1);
        return table.tToSigma(idx);
    }

    /**
     * The default ("Automatic") LCM schedule: t = linspace(τ(σmax), τ(σmin), n) = linspace(999, 19, n),
     * σ(t), then 0.
     */
    public float[] sigmas(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("a schedule needs at least 1 step, got " + n);
        }
        float[] t = F32.linspace((float) timestep(table.sigmaMax()), (float) timestep(table.sigmaMin()), n);
        float[] out = new float[n + 1];
        for (int i = 0; i < n; i++) {
            out[i] = tToSigma(t[i]);
        }
        return out;
    }

    @Override
    public Tensor denoise(DiffusionModel model, Tensor x, float[] sigma, Conditioning cond) {
        int n = x.dim(0);
        float[] xs = x.toFloatArray();
        int per = xs.length / n;
        float[] scaled = new float[xs.length];
        float[] t = new float[n];
        for (int r = 0; r < n; r++) {
            float c = CompVisDenoiser.cIn(sigma[r]);
            for (int i = r * per; i < (r + 1) * per; i++) {
                scaled[i] = xs[i] * c;
            }
            t[r] = timestep(sigma[r]);
        }
        Tensor out = model.apply(Tensor.of(scaled, x.shape()), t, cond);
        if (!Arrays.equals(out.shape(), x.shape())) {
            throw new IllegalStateException("model returned shape " + Arrays.toString(out.shape())
                    + " for input " + Arrays.toString(x.shape()));
        }
        float[] eps = out.toFloatArray();
        float[] den = new float[xs.length];
        for (int r = 0; r < n; r++) {
            float cOut = -sigma[r];
            float s = t[r] * 10.0f;
            float d = s * s + 0.25f;
            float cSkip = (1f / d) * 0.25f;
            float cBoundary = s / F32.sqrt(d);
            for (int i = r * per; i < (r + 1) * per; i++) {
                float x0 = xs[i] + eps[i] * cOut;
                den[i] = cBoundary * x0 + cSkip * xs[i];
            }
        }
        return Tensor.of(den, x.shape());
    }
}
