package jdiffusion.sampler.kdiffusion;

import jdiffusion.sampler.F32;
import jdiffusion.sampler.KSampler;
import jdiffusion.sampler.SamplerParams;
import jdiffusion.sampler.SamplingContext;

/**
 * k-diffusion {@code sample_dpmpp_2m_sde} (midpoint or Heun correction) and {@code sample_dpmpp_3m_sde}:
 * exponential-integrator multistep updates in λ = −ln σ with Brownian noise
 * {@code σ_{i+1}·sqrt(1 − e^{−2ηh})}; the final step (σ = 0) returns the denoised latent.
 */
public final class DpmppMultistepSde implements KSampler {
    /** The solver variant. */
    public enum Variant { TWO_M_MIDPOINT, TWO_M_HEUN, THREE_M }

    private final Variant variant;

    public DpmppMultistepSde(Variant variant) {
        this.variant = variant;
    }

    @Override
    public float[] run(float[] x, float[] sigmas, SamplingContext ctx) {
        return variant == Variant.THREE_M ? runThree(x, sigmas, ctx) : runTwo(x, sigmas, ctx);
    }

    private float[] runTwo(float[] x, float[] sigmas, SamplingContext ctx) {
        SamplerParams p = ctx.params();
        float eta = (float) p.eta();
        float sNoise = (float) p.sNoise();
        float[] old = null;
        float hLast = Float.NaN;
        for (int i = 0; i < sigmas.length - 1; i++) {
            float sigma = sigmas[i];
            float next = sigmas[i + 1];
            float[] denoised = ctx.denoise(x, sigma);
            ctx.step(i, x, sigma, sigma, denoised);
            float h = hLast;
            if (next == 0) {
                x = denoised.clone();
            } else {
                float t = -F32.log(sigma);
                float s = -F32.log(next);
                h = s - t;
                float etaH = eta * h;
                float decay = (next / sigma) * F32.exp(-etaH);
                float minusHEtaH = -h - etaH;
                float phi = -F32.expm1(minusHEtaH);
                x = Arith.scaleAdd(decay, x, phi, denoised);
                if (old != null) {
                    float r = hLast / h;
                    float coef = variant == Variant.TWO_M_HEUN
                            ? (phi / minusHEtaH + 1) * (1f / r)
                            : (0.5f * phi) * (1f / r);
                    float[] out = new float[x.length];
                    for (int k = 0; k < x.length; k++) {
                        out[k] = x[k] + coef * (denoised[k] - old[k]);
                    }
                    x = out;
                }
                if (p.eta() != 0) {
                    float scale = F32.sqrt(-F32.expm1(-2 * etaH));
                    x = Arith.addNoise(x, ctx.noise(sigma, next), next, scale, sNoise);
                }
            }
            old = denoised;
            hLast = h;
        }
        return x;
    }

    private float[] runThree(float[] x, float[] sigmas, SamplingContext ctx) {
        SamplerParams p = ctx.params();
        float etaPlusOne = (float) (p.eta() + 1);
        float sNoise = (float) p.sNoise();
        float[] den1 = null;
        float[] den2 = null;
        float h1 = Float.NaN;
        float h2 = Float.NaN;
        float h = Float.NaN;
        for (int i = 0; i < sigmas.length - 1; i++) {
            float sigma = sigmas[i];
            float next = sigmas[i + 1];
            float[] denoised = ctx.denoise(x, sigma);
            ctx.step(i, x, sigma, sigma, denoised);
            if (next == 0) {
                x = denoised.clone();
            } else {
                float t = -F32.log(sigma);
                float s = -F32.log(next);
                h = s - t;
                float hEta = h * etaPlusOne;
                x = Arith.scaleAdd(F32.exp(-hEta), x, -F32.expm1(-hEta), denoised);
                float phi2 = F32.expm1(-hEta) / hEta + 1;
                float[] out = new float[x.length];
                if (den2 != null) {
                    float r0 = h1 / h;
                    float r1 = h2 / h;
                    float phi3 = phi2 / hEta - 0.5f;
                    float rSum = r0 + r1;
                    for (int k = 0; k < x.length; k++) {
                        float d10 = (denoised[k] - den1[k]) / r0;
                        float d11 = (den1[k] - den2[k]) / r1;
                        float d1 = d10 + ((d10 - d11) * r0) / rSum;
                        float d2 = (d10 - d11) / rSum;
                        out[k] = (x[k] + phi2 * d1) - phi3 * d2;
                    }
                    x = out;
                } else if (den1 != null) {
                    float r = h1 / h;
                    for (int k = 0; k < x.length; k++) {
                        out[k] = x[k] + phi2 * ((denoised[k] - den1[k]) / r);
                    }
                    x = out;
                }
                if (p.eta() != 0) {
                    float scale = F32.sqrt(-F32.expm1((-2 * h) * (float) p.eta()));
                    x = Arith.addNoise(x, ctx.noise(sigma, next), next, scale, sNoise);
                }
            }
            den2 = den1;
            den1 = denoised;
            h2 = h1;
            h1 = h;
        }
        return x;
    }
}
