package jdiffusion.sampler.cfg;

import java.util.Arrays;
import jdiffusion.sampler.F32;
import jdiffusion.sampler.schedule.DiscreteSchedule;
import jdiffusion.tensor.Tensor;

/**
 * k-diffusion's {@code CompVisDenoiser} / {@code CompVisVDenoiser} (spec §7.2): turns the UNet's
 * prediction into the denoised estimate D(x, σ) per row, with σ_data = 1:
 * <ul>
 *   <li>ε: {@code D = x + ε·(−σ)} with the UNet called on {@code x·c_in}, c_in = 1/sqrt(σ² + 1);</li>
 *   <li>v: {@code D = v·c_out + x·c_skip}, c_skip = 1/(σ² + 1), c_out = −σ/sqrt(σ² + 1).</li>
 * </ul>
 * The timestep is {@code sigma_to_t(σ)}, fractional (or the nearest index with quantization, the
 * option {@code enable_quantization}). Scalars are float32 per row, as in PyTorch.
 */
public final class CompVisDenoiser implements ModelWrapper {
    private final DiscreteSchedule schedule;
    private final Parameterization parameterization;
    private final boolean quantize;

    public CompVisDenoiser(DiscreteSchedule schedule, Parameterization parameterization, boolean quantize) {
        this.schedule = schedule;
        this.parameterization = parameterization;
        this.quantize = quantize;
    }

    public CompVisDenoiser(DiscreteSchedule schedule, Parameterization parameterization) {
        this(schedule, parameterization, false);
    }

    public DiscreteSchedule schedule() {
        return schedule;
    }

    public Parameterization parameterization() {
        return parameterization;
    }

    /** The UNet timestep of each row. */
    public float[] timesteps(float[] sigma) {
        float[] t = new float[sigma.length];
        for (int i = 0; i < sigma.length; i++) {
            t[i] = quantize ? schedule.sigmaToTQuantized(sigma[i]) : schedule.sigmaToT(sigma[i]);
        }
        return t;
    }

    /** c_in = 1/sqrt(σ² + 1). */
    public static float cIn(float sigma) {
        return 1f / F32.sqrt(sigma * sigma + 1f);
    }

    /** x: [N, C, h, w], sigma: [N] -> D(x, σ): [N, C, h, w]. */
    @Override
    public Tensor denoise(DiffusionModel model, Tensor x, float[] sigma, Conditioning cond) {
        int n = x.dim(0);
        if (sigma.length != n || cond.rows() != n) {
            throw new IllegalArgumentException("model batch of " + n + " rows got " + sigma.length + " sigmas and "
                    + cond.rows() + " conditioning rows");
        }
        float[] xs = x.toFloatArray();
        int per = xs.length / n;
        float[] scaled = new float[xs.length];
        for (int r = 0; r < n; r++) {
            float c = cIn(sigma[r]);
            for (int i = r * per; i < (r + 1) * per; i++) {
                scaled[i] = xs[i] * c;
            }
        }
        Tensor out = model.apply(Tensor.of(scaled, x.shape()), timesteps(sigma), cond);
        if (!Arrays.equals(out.shape(), x.shape())) {
            throw new IllegalStateException("model returned shape " + Arrays.toString(out.shape())
                    + " for input " + Arrays.toString(x.shape()));
        }
        float[] pred = out.toFloatArray();
        float[] den = new float[xs.length];
        for (int r = 0; r < n; r++) {
            float s = sigma[r];
            if (parameterization == Parameterization.EPSILON) {
                float cOut = -s;
                for (int i = r * per; i < (r + 1) * per; i++) {
                    den[i] = xs[i] + pred[i] * cOut;
                }
            } else {
                float s2 = s * s + 1f;
                float cSkip = 1f / s2;
                float cOut = -s / F32.sqrt(s2);
                for (int i = r * per; i < (r + 1) * per; i++) {
                    den[i] = pred[i] * cOut + xs[i] * cSkip;
                }
            }
        }
        return Tensor.of(den, x.shape());
    }
}
