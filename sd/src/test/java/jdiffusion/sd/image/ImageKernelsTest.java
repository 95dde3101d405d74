package jdiffusion.sd.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import jdiffusion.loaders.safetensors.SafetensorsFile;
import jdiffusion.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Kernels against the real libraries: {@code testdata/image/image_kernels.safetensors} was written
 * by Pillow 9.4.0, OpenCV 4.6.0 and scikit-image 0.19.3 ({@code make_image_fixtures.py}) on random
 * inputs of odd sizes. Every comparison is exact.
 */
class ImageKernelsTest {
    private static SafetensorsFile file;

    @BeforeAll
    static void open() throws IOException {
        file = SafetensorsFile.open(ImageTestData.file("image/image_kernels.safetensors"));
    }

    @AfterAll
    static void close() {
        file.close();
    }

    static Image image(String name, Mode mode) {
        Tensor t = file.tensor(name);
        int h = t.dim(0);
        int w = t.dim(1);
        byte[] d = new byte[t.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = (byte) (int) t.getFlat(i);
        }
        return Image.wrap(w, h, mode, d);
    }

    private static Mode modeOf(String src) {
        return switch (src) {
            case "rgb" -> Mode.RGB;
            case "l" -> Mode.L;
            default -> Mode.RGBA;
        };
    }

    @Test
    void resizeMatchesPillowForEveryFilterAndSize() {
        List<String> checked = new ArrayList<>();
        for (String src : new String[] {"rgb", "l", "rgba"}) {
            Image in = image("src." + src, modeOf(src));
            for (Resample.Filter f : Resample.Filter.values()) {
                for (int[] wh : new int[][] {{13, 9}, {61, 47}, {50, 11}, {7, 40}}) {
                    String name = "resize." + src + "." + f + "." + wh[0] + "x" + wh[1];
                    ImageAssert.exact(image(name, modeOf(src)), Resample.resize(in, wh[0], wh[1], f), name);
                    checked.add(name);
                }
            }
        }
        assertEquals(72, checked.size());
    }

    @Test
    void resizeWithBoxesMatchesPillow() {
        Image in = image("src.rgb", Mode.RGB);
        ImageAssert.exact(image("resize.box.frac", Mode.RGB),
                Resample.resize(in, 17, 12, Resample.Filter.LANCZOS, 2.5f, 3.25f, 30.75f, 20.5f), "fractional box");
        Resample.Filter bic = Resample.Filter.BICUBIC;
        ImageAssert.exact(image("resize.box.top", Mode.RGB), Resample.resize(in, 37, 5, bic, 0, 0, 37, 0), "top");
        ImageAssert.exact(image("resize.box.bottom", Mode.RGB), Resample.resize(in, 37, 6, bic, 0, 23, 37, 23), "bottom");
        ImageAssert.exact(image("resize.box.left", Mode.RGB), Resample.resize(in, 4, 23, bic, 0, 0, 0, 23), "left");
        ImageAssert.exact(image("resize.box.right", Mode.RGB), Resample.resize(in, 3, 23, bic, 37, 0, 37, 23), "right");
    }

    @Test
    void gaussianBlurMatchesPillow() {
        for (String r : new String[] {"0", "0.5", "1", "2", "3", "4", "16", "64", "256"}) {
            float radius = Float.parseFloat(r);
            ImageAssert.exact(image("gblur.rgb." + r, Mode.RGB), BoxBlur.gaussianBlur(image("src.rgb", Mode.RGB), radius),
                    "rgb radius " + r);
            ImageAssert.exact(image("gblur.l." + r, Mode.L), BoxBlur.gaussianBlur(image("src.l", Mode.L), radius),
                    "L radius " + r);
        }
        Image premul = Convert.convert(image("src.rgba", Mode.RGBA), Mode.RGBa);
        ImageAssert.exact(image("convert.rgba_to_premul", Mode.RGBa), premul, "RGBA -> RGBa");
        for (String r : new String[] {"2", "16"}) {
            ImageAssert.exact(image("gblur.rgba_premul." + r, Mode.RGBa), BoxBlur.gaussianBlur(premul, Float.parseFloat(r)),
                    "RGBa radius " + r);
        }
    }

    @Test
    void conversionsMatchPillow() {
        Image rgba = image("src.rgba", Mode.RGBA);
        ImageAssert.exact(image("convert.premul_to_rgba", Mode.RGBA),
                Convert.convert(Convert.convert(rgba, Mode.RGBa), Mode.RGBA), "RGBa -> RGBA");
        ImageAssert.exact(image("convert.rgb_to_l", Mode.L), Convert.convert(image("src.rgb", Mode.RGB), Mode.L), "RGB -> L");
        ImageAssert.exact(image("convert.rgba_to_l", Mode.L), Convert.convert(rgba, Mode.L), "RGBA -> L");
    }

    @Test
    void maskBlurMatchesOpenCv() {
        Image mask = image("cvblur.src", Mode.L);
        for (int b : new int[] {1, 2, 3, 4, 5, 8, 13}) {
            int[] k = CvGaussianBlur.kernel(CvGaussianBlur.kernelSize(b), b);
            Image x = CvGaussianBlur.blur(mask, k, true);
            ImageAssert.exact(image("cvblur.x." + b, Mode.L), x, "x blur " + b);
            ImageAssert.exact(image("cvblur.xy." + b, Mode.L), CvGaussianBlur.maskBlur(mask, b, b), "x+y blur " + b);
        }
        Image thin = image("cvblur.thin.src", Mode.L);
        int[] k13 = CvGaussianBlur.kernel(67, 13);
        ImageAssert.exact(image("cvblur.thin.x.13", Mode.L), CvGaussianBlur.blur(thin, k13, true), "kernel wider than line");
        ImageAssert.exact(image("cvblur.thin.y.13", Mode.L), CvGaussianBlur.blur(thin, k13, false), "tall thin y");
    }

    @Test
    void compositingMatchesPillow() {
        Image dst = image("comp.dst", Mode.RGBA);
        Image src = image("comp.src", Mode.RGBA);
        ImageAssert.exact(image("comp.alpha_composite", Mode.RGBA), Composite.alphaComposite(dst, src), "alpha_composite");
        Image rgb = image("src.rgb", Mode.RGB).crop(0, 0, 21, 15);
        Image overlay = Overlay.create(rgb, Composite.invert(image("comp.mask", Mode.L)));
        ImageAssert.exact(image("comp.paste_rgba_premul_via_mask", Mode.RGBA), overlay, "RGBa paste through L mask");
        Image l = image("src.l", Mode.L);
        for (String a : new String[] {"0.3", "0.5", "0.7"}) {
            ImageAssert.exact(image("comp.blend." + a, Mode.L), Composite.blend(l, Composite.invert(l), Float.parseFloat(a)),
                    "blend " + a);
        }
        ImageAssert.exact(image("comp.flatten_white", Mode.RGB),
                Composite.flatten(image("src.rgba", Mode.RGBA), Composite.parseColor("#ffffff")), "flatten");
    }

    @Test
    void histogramMatchingMatchesScikitImage() {
        Image matched = ColorCorrection.matchHistograms(image("hist.image", Mode.RGB), image("hist.reference", Mode.RGB));
        ImageAssert.exact(image("hist.matched", Mode.RGB), matched, "match_histograms");
        assertTrue(file.metadata().get("versions").contains("\"Pillow\": \"9.4.0\""));
    }

    @Test
    void pngLayoutsOpenAsTheWebuiSeesThem() throws IOException {
        String[][] cases = {{"L", "L"}, {"LA", "LA"}, {"RGBA", "RGBA"}, {"P", "RGB"}, {"Ptrns", "RGB"},
            {"Palpha", "RGBA"}, {"I16", "L"}, {"RGB16", "RGB"}};
        for (String[] c : cases) {
            Image got = ImageFiles.read(ImageTestData.file("image/layout_" + c[0] + ".png"));
            ImageAssert.exact(image("layout." + c[0], Mode.valueOf(c[1])), got, "layout " + c[0]);
        }
    }

    @Test
    void pngWriteReadRoundTripsEveryMode() throws IOException {
        for (Mode m : new Mode[] {Mode.L, Mode.RGB, Mode.RGBA}) {
            Image im = Image.blank(7, 5, m);
            new java.util.Random(m.ordinal()).nextBytes(im.data());
            Image back = ImageFiles.decode(ImageFiles.encodePng(im), "memory");
            ImageAssert.exact(im, back, "round trip " + m);
        }
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> ImageFiles.decode(new byte[] {1, 2, 3}, "garbage.png"));
        assertTrue(e.getMessage().contains("garbage.png"), e.getMessage());
    }
}
