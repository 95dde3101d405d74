package jdiffusion.sd.pipeline;

import java.util.Arrays;
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
    private final float[][] z0Items;
    private final float[] nmaskPlane;
    private final int channels;
    private final SoftInpaintSettings settings;
    private final boolean beforeDenoising;

    /**
     * @param z0              the init latent [B, C, h, w]
     * @param nmaskPlane      the fractional latent mask [h·w] (1 = regenerate)
     * @param beforeDenoising the sampler's {@code mask_before_denoising}
     */
    SoftInpaintBlend(Tensor z0, float[] nmaskPlane, SoftInpaintSettings settings, boolean beforeDenoising) {
        // z0 and the mask are fixed for the job: split z0 per batch item once, not on every denoiser call.
        this.z0Items = new float[z0.dim(0)][];
        float[] all = z0.toFloatArray();
        int per = all.length / z0Items.length;
        for (int b = 0; b < z0Items.length; b++) {
            z0Items[b] = Arrays.copyOfRange(all, b * per, (b + 1) * per);
        }
        this.channels = z0.dim(1);
        this.nmaskPlane = nmaskPlane;
        this.settings = settings;
        this.beforeDenoising = beforeDenoising;
    }

    /** v: [B, C, h, w] -> the Soft Inpainting blend with z0 at level {@code sigma0}. */
    Tensor blend(Tensor v, float sigma0) {
        // The exponent is per latent pixel; raising the [h·w] plane and tiling it gives the same values C times cheaper.
        float[] t = LatentOps.tilePlane(LatentBlend.modifiedNmask(nmaskPlane, sigma0, settings), channels);
        float[] cur = v.toFloatArray();
        int per = t.length;
        if (cur.length != z0Items.length * per) {
            throw new IllegalArgumentException("soft inpainting blend: latent " + v + " does not match the init latent");
        }
        float[] out = new float[cur.length];
        for (int b = 0; b < z0Items.length; b++) {
            float[] c = Arrays.copyOfRange(cur, b * per, (b + 1) * per);
            System.arraycopy(LatentBlend.blend(z0Items[b], c, t, channels, settings), 0, out, b * per, per);
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
