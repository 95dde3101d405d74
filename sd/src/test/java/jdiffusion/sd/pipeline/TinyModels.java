package jdiffusion.sd.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import jdiffusion.sd.image.Image;
import jdiffusion.sd.image.Mode;
import jdiffusion.tensor.cpu.CpuBackend;

/** The tiny test models, loaded once per test JVM (they are memory-mapped and read-only). */
final class TinyModels {
    private static SdModel sd15;
    private static SdModel sdxl;

    private TinyModels() {
    }

    static synchronized SdModel sd15() {
        if (sd15 == null) {
            sd15 = load("models/tiny-sd15.safetensors");
        }
        return sd15;
    }

    static synchronized SdModel sdxl() {
        if (sdxl == null) {
            sdxl = load("models/tiny-sdxl.safetensors");
        }
        return sdxl;
    }

    private static SdModel load(String file) {
        try {
            return SdModel.load(new CpuBackend(), TestFiles.file(file), ModelOptions.defaults(), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A deterministic RGB test picture: gradients, a disc and a bar. */
    static Image picture(int w, int h) {
        Image im = Image.blank(w, h, Mode.RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean disc = (x - w / 3) * (x - w / 3) + (y - h / 2) * (y - h / 2) < (h / 4) * (h / 4);
                boolean bar = x > 2 * w / 3 && x < 2 * w / 3 + w / 10;
                im.set(x, y, 0, disc ? 220 : 30 + 200 * x / w);
                im.set(x, y, 1, bar ? 240 : 40 + 180 * y / h);
                im.set(x, y, 2, disc ? 40 : (x * 7 + y * 13) % 90 + 80);
            }
        }
        return im;
    }

    /** An L mask: 255 inside the rectangle [x0, x1) × [y0, y1), 0 elsewhere. */
    static Image rectMask(int w, int h, int x0, int y0, int x1, int y1) {
        Image m = Image.blank(w, h, Mode.L);
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                m.set(x, y, 0, 255);
            }
        }
        return m;
    }
}
