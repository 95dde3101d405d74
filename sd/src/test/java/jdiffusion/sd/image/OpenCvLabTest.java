package jdiffusion.sd.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * OpenCV 8-bit Lab in both directions over every one of the 2^24 inputs. The expected digests are
 * SHA-256 of {@code cv2.cvtColor} (OpenCV 4.6.0, Debian bookworm) applied to a 4096×4096 image
 * holding every RGB triple in order (R major, B minor), read as RGB→Lab and as Lab→RGB:
 * <pre>
 * v = np.arange(1 &lt;&lt; 24, dtype=np.uint32)
 * img = np.stack([(v &gt;&gt; 16) &amp; 255, (v &gt;&gt; 8) &amp; 255, v &amp; 255], -1).astype(np.uint8).reshape(4096, 4096, 3)
 * sha256(cv2.cvtColor(img, cv2.COLOR_RGB2LAB).tobytes()), sha256(cv2.cvtColor(img, cv2.COLOR_LAB2RGB).tobytes())
 * </pre>
 */
class OpenCvLabTest {
    private static final String RGB2LAB = "b3067516fa862bb008af4ffb4da5555722524a70776bf7ffd523a90f4331480c";
    private static final String LAB2RGB = "fe94a44a1fb178c1b5041a43095c4d99f4d37fb7b32258da356d8bd63bba9b0d";

    @Test
    void everyInputMatchesOpenCv() throws Exception {
        MessageDigest toLab = MessageDigest.getInstance("SHA-256");
        MessageDigest toRgb = MessageDigest.getInstance("SHA-256");
        byte[] lab = new byte[3 * 65536];
        byte[] rgb = new byte[3 * 65536];
        for (int hi = 0; hi < 256; hi++) {
            for (int lo = 0; lo < 65536; lo++) {
                int g = lo >> 8;
                int b = lo & 255;
                OpenCvLab.rgbToLab(hi, g, b, lab, 3 * lo);
                OpenCvLab.labToRgb(hi, g, b, rgb, 3 * lo);
            }
            toLab.update(lab);
            toRgb.update(rgb);
        }
        assertEquals(RGB2LAB, HexFormat.of().formatHex(toLab.digest()), "RGB -> Lab over all 2^24 inputs");
        assertEquals(LAB2RGB, HexFormat.of().formatHex(toRgb.digest()), "Lab -> RGB over all 2^24 inputs");
    }

    @Test
    void knownColours() {
        byte[] o = new byte[3];
        OpenCvLab.rgbToLab(255, 255, 255, o, 0);
        assertEquals("255,128,128", (o[0] & 255) + "," + (o[1] & 255) + "," + (o[2] & 255));
        OpenCvLab.rgbToLab(0, 0, 0, o, 0);
        assertEquals("0,128,128", (o[0] & 255) + "," + (o[1] & 255) + "," + (o[2] & 255));
        // OpenCV's soft-float cube root truncates: table entry 324 lands below the tie, so L is 119 here.
        OpenCvLab.rgbToLab(0, 98, 254, o, 0);
        assertEquals(119, o[0] & 255);
    }
}
