package jdiffusion.sd.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import jdiffusion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** "Approx cheap" previews against the webui's formula evaluated in double precision. */
class LatentPreviewTest {
    private static final double[][] SD = {
        {0.298, 0.207, 0.208}, {0.187, 0.286, 0.173}, {-0.158, 0.189, 0.264}, {-0.184, -0.271, -0.473}};
    private static final double[][] SDXL = {
        {0.3448, 0.4168, 0.4395}, {-0.1953, -0.0290, 0.0250}, {0.1074, 0.0886, -0.0163}, {-0.3730, -0.2499, -0.2088}};

    @Test
    void matchesTheFormula() {
        Random r = new Random(3);
        int b = 2;
        int h = 5;
        int w = 7;
        float[] v = new float[b * 4 * h * w];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian() * 1.5);
        }
        for (boolean sdxl : new boolean[] {false, true}) {
            List<Image> images = LatentPreview.approxCheap(Tensor.of(v, b, 4, h, w), sdxl);
            assertEquals(b, images.size());
            double[][] c = sdxl ? SDXL : SD;
            int clipped = 0;
            for (int n = 0; n < b; n++) {
                Image im = images.get(n);
                assertEquals(w, im.width());
                assertEquals(h, im.height());
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        for (int ch = 0; ch < 3; ch++) {
                            double s = 0;
                            for (int l = 0; l < 4; l++) {
                                s += v[((n * 4 + l) * h + y) * w + x] * c[l][ch];
                            }
                            double e = 255 * Math.min(1, Math.max(0, s * 0.5 + 0.5));
                            clipped += e == 0 || e == 255 ? 1 : 0;
                            // Truncation of a float32 product: at most one step below the double value.
                            int got = im.get(x, y, ch);
                            assertTrue(got == (int) e || got == (int) e - 1 && e - (int) e < 1e-3,
                                    "n" + n + " (" + x + "," + y + ") c" + ch + ": " + got + " vs " + e);
                        }
                    }
                }
            }
            assertTrue(clipped > 0 && clipped < b * h * w * 3, "inputs exercise both clipping and the linear part");
        }
        assertThrows(IllegalArgumentException.class, () -> LatentPreview.approxCheap(Tensor.zeros(1, 3, 2, 2), false));
    }
}
