package jdiffusion.sampler.cfg;

import java.util.Arrays;
import jdiffusion.tensor.Tensor;

/**
 * The webui's inpainting blend {@code CFGDenoiser.apply_blend}: {@code latent·nmask + init·mask}
 * (float32, in that order), after guidance ({@code mask_before_denoising} off, the k-diffusion default)
 * or on x before the model call. {@code mask} is 1 where the original is kept; nmask = 1 − mask.
 */
public final class MaskBlend implements CfgHooks {
    private final float[] init;
    private final float[] mask;
    private final float[] nmask;
    private final int[] shape;
    private final boolean beforeDenoising;

    /**
     * @param initLatent       [B, C, h, w] the encoded init image
     * @param mask             [B or 1, 1 or C, h, w] latent mask (1 = keep), broadcast over batch/channels
     * @param nmask            same shape as mask (the webui computes 1 − mask)
     * @param beforeDenoising  the webui's {@code mask_before_denoising}
     */
    public MaskBlend(Tensor initLatent, Tensor mask, Tensor nmask, boolean beforeDenoising) {
        this.shape = initLatent.shape();
        if (shape.length != 4) {
            throw new IllegalArgumentException("init latent must be [B, C, h, w], got " + Arrays.toString(shape));
        }
        if (!Arrays.equals(mask.shape(), nmask.shape())) {
            throw new IllegalArgumentException("mask and nmask shapes differ: " + Arrays.toString(mask.shape())
                    + " vs " + Arrays.toString(nmask.shape()));
        }
        this.init = initLatent.toFloatArray();
        this.mask = broadcast(mask, shape, "mask");
        this.nmask = broadcast(nmask, shape, "nmask");
        this.beforeDenoising = beforeDenoising;
    }

    private static float[] broadcast(Tensor m, int[] shape, String what) {
        int[] ms = m.shape();
        if (ms.length != 4 || (ms[0] != 1 && ms[0] != shape[0]) || (ms[1] != 1 && ms[1] != shape[1])
                || ms[2] != shape[2] || ms[3] != shape[3]) {
            throw new IllegalArgumentException(what + " shape " + Arrays.toString(ms) + " does not broadcast to "
                    + Arrays.toString(shape));
        }
        float[] src = m.toFloatArray();
        float[] out = new float[shape[0] * shape[1] * shape[2] * shape[3]];
        int hw = shape[2] * shape[3];
        for (int b = 0; b < shape[0]; b++) {
            for (int c = 0; c < shape[1]; c++) {
                int s = ((ms[0] == 1 ? 0 : b) * ms[1] + (ms[1] == 1 ? 0 : c)) * hw;
                System.arraycopy(src, s, out, (b * shape[1] + c) * hw, hw);
            }
        }
        return out;
    }

    /** {@code latent·nmask + init·mask}. */
    public Tensor blend(Tensor latent) {
        if (!Arrays.equals(latent.shape(), shape)) {
            throw new IllegalArgumentException("latent " + Arrays.toString(latent.shape()) + " vs init "
                    + Arrays.toString(shape));
        }
        float[] l = latent.toFloatArray();
        float[] out = new float[l.length];
        for (int i = 0; i < l.length; i++) {
            out[i] = l[i] * nmask[i] + init[i] * mask[i];
        }
        return Tensor.of(out, shape);
    }

    @Override
    public Tensor beforeDenoise(Tensor x, float[] sigma, int step) {
        return beforeDenoising ? blend(x) : x;
    }

    @Override
    public Tensor afterCombine(Tensor x, float[] sigma, int step, Tensor denoised) {
        return beforeDenoising ? denoised : blend(denoised);
    }
}
