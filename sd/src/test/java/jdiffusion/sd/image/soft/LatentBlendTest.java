package jdiffusion.sd.image.soft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import jdiffusion.loaders.safetensors.SafetensorsFile;
import jdiffusion.sd.image.ImageTestData;
import org.junit.jupiter.api.Test;

/** Soft Inpainting's per-call latent blend against the recorded webui run and spec §8 checks 26–27. */
class LatentBlendTest {

    @Test
    void reproducesEveryDenoiserCallOfTheSoftInpaintingRun() throws Exception {
        Path p = ImageTestData.file("pipeline/soft_inpaint_dpmpp2m_karras.safetensors");
        SoftInpaintSettings s = new SoftInpaintSettings(1.5, 0.8, 3.0, 0.3, 0.7, 3.0);
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            float[] z0 = f.tensor("init_latent").toFloatArray();
            float[] nmask = f.tensor("latent_mask").toFloatArray();
            int calls = Integer.parseInt(f.metadata().get("n_denoiser_calls"));
            assertEquals(7, calls);
            double worst = 0;
            for (int k = 0; k < calls; k++) {
                float sigma = f.tensor("call." + k + ".sigma").toFloatArray()[0];
                float[] cfg = f.tensor("call." + k + ".denoised_cfg").toFloatArray();
                float[] expected = f.tensor("call." + k + ".denoised").toFloatArray();
                float[] t = LatentBlend.modifiedNmask(nmask, sigma, s);
                float[] got = LatentBlend.blend(z0, cfg, t, 4, s);
                double maxAbs = 0;
                double scale = 1;
                for (int i = 0; i < got.length; i++) {
                    maxAbs = Math.max(maxAbs, Math.abs(got[i] - expected[i]));
                    scale = Math.max(scale, Math.abs(expected[i]));
                }
                // Fixture tolerance for latents: 1e-3 · max(1, max|golden|).
                assertTrue(maxAbs <= 1e-3 * scale, "call " + k + ": max |d| = " + maxAbs);
                worst = Math.max(worst, maxAbs / scale);
            }
            assertTrue(worst < 1e-5, "float32 rounding level expected, got " + worst);
        }
    }

    @Test
    void modifiedNmaskMatchesSpecExample() {
        SoftInpaintSettings s = new SoftInpaintSettings(1, 0.5, 4, 0, 0.5, 2);
        float[] t = LatentBlend.modifiedNmask(new float[] {0.5f, 1f, 0f}, 14.614642f, s);
        assertEquals(Math.pow(0.5, 14.614642 * 0.5), t[0], 1e-7);
        assertEquals(0.0063136, t[0], 1e-6);
        assertEquals(1f, t[1], 0f);
        assertEquals(0f, t[2], 0f);
        // κ = 0: exponent 0, so every value (0 included: 0^0 = 1) becomes 1.
        float[] ones = LatentBlend.modifiedNmask(new float[] {0f, 0.3f, 1f}, 3f, new SoftInpaintSettings(1, 0, 4, 0, 0.5, 2));
        assertEquals("[1.0, 1.0, 1.0]", Arrays.toString(ones));
    }

    @Test
    void blendEndpointsScaleByNormOverNormPlusEpsilon() {
        Random r = new Random(7);
        int c = 4;
        int plane = 13;
        float[] a = new float[c * plane];
        float[] b = new float[c * plane];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextGaussian();
            b[i] = (float) r.nextGaussian();
        }
        for (double q : new double[] {1, 3, 4.5}) {
            SoftInpaintSettings s = new SoftInpaintSettings(1, 0.5, q, 0, 0.5, 2);
            check(a, LatentBlend.blend(a, b, new float[a.length], c, s), c, plane);
            float[] one = new float[a.length];
            Arrays.fill(one, 1f);
            check(b, LatentBlend.blend(a, b, one, c, s), c, plane);
        }
        // q = 1 and a = b: any t gives a·|a|/(|a| + 1e-5).
        float[] t = new float[a.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = r.nextFloat();
        }
        check(a, LatentBlend.blend(a, a.clone(), t, c, new SoftInpaintSettings(1, 0.5, 1, 0, 0.5, 2)), c, plane);
    }

    private static void check(float[] v, float[] got, int c, int plane) {
        for (int p = 0; p < plane; p++) {
            double n = 0;
            for (int k = 0; k < c; k++) {
                n += (double) v[k * plane + p] * v[k * plane + p];
            }
            n = Math.sqrt(n);
            for (int k = 0; k < c; k++) {
                double want = v[k * plane + p] * n / (n + 1e-5);
                assertEquals(want, got[k * plane + p], 2e-6 * Math.max(1, Math.abs(want)));
            }
        }
    }

    @Test
    void rejectsMismatchedShapesAndBadSettings() {
        SoftInpaintSettings s = SoftInpaintSettings.DEFAULT;
        assertThrows(IllegalArgumentException.class, () -> LatentBlend.blend(new float[8], new float[8], new float[4], 4, s));
        assertThrows(IllegalArgumentException.class, () -> new SoftInpaintSettings(1, 0.5, 0.5, 0, 0.5, 2));
        assertThrows(IllegalArgumentException.class, () -> new SoftInpaintSettings(Double.NaN, 0.5, 4, 0, 0.5, 2));
    }
}
