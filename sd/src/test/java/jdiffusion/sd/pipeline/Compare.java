package jdiffusion.sd.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import jdiffusion.sd.image.Image;
import jdiffusion.tensor.Tensor;

/** The fixture README's comparison rules, with the measured numbers printed. */
final class Compare {
    private Compare() {
    }

    /** Latents and floats: max|java − golden| ≤ 1e-3 · max(1, max|golden|). Returns the error relative to that scale. */
    static double latent(String what, Tensor golden, Tensor ours) {
        assertArrayEquals(golden.shape(), ours.shape(), what + " shape");
        float[] g = golden.toFloatArray();
        float[] o = ours.toFloatArray();
        double maxAbs = 0;
        double err = 0;
        for (int i = 0; i < g.length; i++) {
            maxAbs = Math.max(maxAbs, Math.abs(g[i]));
            err = Math.max(err, Math.abs((double) g[i] - o[i]));
        }
        double scale = Math.max(1, maxAbs);
        assertTrue(err <= 1e-3 * scale, String.format(Locale.ROOT, "%s: max|err| %.3g > 1e-3·%.3g", what, err, scale));
        return err / scale;
    }

    /** Noise and other exact tensors. */
    static void exact(String what, Tensor golden, Tensor ours) {
        assertArrayEquals(golden.shape(), ours.shape(), what + " shape");
        assertArrayEquals(golden.toFloatArray(), ours.toFloatArray(), 0f, what);
    }

    /** Sigmas: ≤ 1e-6 relative. */
    static void sigmas(String what, Tensor golden, Tensor ours) {
        float[] g = golden.toFloatArray();
        float[] o = ours.toFloatArray();
        assertEquals(g.length, o.length, what + " length");
        for (int i = 0; i < g.length; i++) {
            assertEquals(g[i], o[i], 1e-6 * Math.max(1e-3, Math.abs(g[i])), what + "[" + i + "]");
        }
    }

    /** uint8: ±1 on at most 0.5 % of the values, the rest exact. Returns the fraction of differing values. */
    static double uint8(String what, Image golden, Image ours) {
        assertEquals(golden.width(), ours.width(), what + " width");
        assertEquals(golden.height(), ours.height(), what + " height");
        assertEquals(golden.mode(), ours.mode(), what + " mode");
        byte[] g = golden.data();
        byte[] o = ours.data();
        int differ = 0;
        int max = 0;
        for (int i = 0; i < g.length; i++) {
            int d = Math.abs((g[i] & 0xff) - (o[i] & 0xff));
            if (d != 0) {
                differ++;
                max = Math.max(max, d);
            }
        }
        double frac = (double) differ / g.length;
        assertTrue(max <= 1, what + ": a value differs by " + max);
        assertTrue(frac <= 0.005, String.format(Locale.ROOT, "%s: %.4f%% of the values differ", what, 100 * frac));
        return frac;
    }

    /** Pixels whose overlay mask is 0 equal the (resized) input exactly. Returns how many pixels were checked. */
    static int keptPixels(String what, Image overlayMask, Image input, Image output) {
        return pixelsWhere(what + " kept", overlayMask, 0, input, output);
    }

    /** Pixels whose overlay mask is {@code value} equal {@code expected} exactly. Returns how many were checked. */
    static int pixelsWhere(String what, Image overlayMask, int value, Image expected, Image output) {
        assertEquals(expected.width(), output.width(), what + " width");
        int n = 0;
        for (int y = 0; y < output.height(); y++) {
            for (int x = 0; x < output.width(); x++) {
                if (overlayMask.get(x, y, 0) == value) {
                    n++;
                    for (int c = 0; c < 3; c++) {
                        assertEquals(expected.get(x, y, c), output.get(x, y, c), what + " pixel (" + x + ", " + y + ")");
                    }
                }
            }
        }
        return n;
    }
}
