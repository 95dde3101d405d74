package jdiffusion.sd.pipeline;

import jdiffusion.sampler.cfg.CfgHooks;
import jdiffusion.sd.image.soft.LatentBlend;
import jdiffusion.sd.image.soft.SoftInpaintSettings;
import jdiffusion.tensor.Tensor;

/**
 * Soft Inpainting's per-call blend (spec img2img.md §5.3 b, the script's {@code on_mask_blend}): the
 * core blend {@code v·nm + z0·(1 − nm)} is replaced, per batch item, by
 * {@code latent_blend(z0, v, nm ^ (σ0^π · κ))} with σ0 the call's first σ (the timestep for DDIM/PLMS).
 * Applied to the denoised output, or to the model input when the sampler blends before denoising.
 */
final class SoftInpaintBlend implements CfgHooks {
    private final float[] z0;
    private final float[] nmask;
    private final int channels;
    private final SoftInpaintSettings settings;
    private final boolean beforeDenoising;

    /**
     * @param z0              the init latent [B, C, h, w]
     * @param nmaskPlane      the fractional latent mask [h·w] (1 = regenerate)
     * @param beforeDenoising the sampler's {@code mask_before_denoising}
     */
    SoftInpaintBlend(Tensor z0, float[] nmaskPlane, SoftInpaintSettings settings, boolean beforeDenoising) {
        this.z0 = z0.toFloatArray();
        this.channels = z0.dim(1);
        this.nmask = LatentOps.tilePlane(nmaskPlane, channels);
        this.settings = settings;
        this.beforeDenoising = beforeDenoising;
    }

    /** v: [B, C, h, w] -> the Soft Inpainting blend with z0 at level {@code sigma0}. */
    Tensor blend(Tensor v, float sigma0) {
        float[] t = LatentBlend.modifiedNmask(nmask, sigma0, settings);
        float[] cur = v.toFloatArray();
        int per = nmask.length;
        if (cur.length != z0.length) {
            throw new IllegalArgumentException("soft inpainting blend: latent " + v + " does not match the init latent");
        }
        float[] out = new float[cur.length];
        for (int b = 0; b < cur.length / per; b++) {
            float[] a = java.util.Arrays.copyOfRange(z0, b * per, (b + 1) * per);
            float[] c = java.util.Arrays.copyOfRange(cur, b * per, (b + 1) * per);
            System.arraycopy(LatentBlend.blend(a, c, t, channels, settings), 0, out, b * per, per);
        }
        return Tensor.of(out, v.shape());
    }

    @Override
    public Tensor beforeDenoise(Tensor x, float[] sigma, int step) {
        return beforeDenoising ? blend(x, sigma[0]) : x;
    }

    @Override
    public Tensor afterCombine(Tensor x, float[] sigma, int step, Tensor denoised) {
        return beforeDenoising ? denoised : blend(denoised, sigma[0]);
    }
}
