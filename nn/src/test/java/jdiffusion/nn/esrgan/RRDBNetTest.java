package jdiffusion.nn.esrgan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdiffusion.loaders.LoadedModel;
import jdiffusion.loaders.ModelLoader;
import jdiffusion.loaders.safetensors.SafetensorsFile;
import jdiffusion.nn.Fixtures;
import jdiffusion.tensor.Tensor;
import jdiffusion.tensor.cpu.CpuBackend;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RRDBNet against PyTorch forwards of tiny random models (testdata/torch, written by torch 2.11). */
class RRDBNetTest {
    private static final CpuBackend CPU = new CpuBackend();

    @ParameterizedTest
    @CsvSource({
        "tiny-esrgan-x4.pth, tiny-esrgan-x4, 4",
        "tiny-esrgan-x4-oldkeys.pth, tiny-esrgan-x4, 4",
        "tiny-esrgan-x4.safetensors, tiny-esrgan-x4, 4",
        "tiny-esrgan-x2.pth, tiny-esrgan-x2, 2"})
    void matchesPyTorch(String file, String golden, int scale) throws Exception {
        try (LoadedModel m = ModelLoader.open(Fixtures.root().resolve("torch/" + file));
             SafetensorsFile g = SafetensorsFile.open(Fixtures.root().resolve("torch/" + golden + ".golden.safetensors"))) {
            var kind = assertInstanceOf(LoadedModel.Esrgan.class, m.kind());
            RRDBNet net = new RRDBNet(CPU, m.weights(), kind.config());
            assertEquals(scale, net.scale());
            Tensor in = g.tensor("input").toF32();
            Tensor expected = g.tensor("output").toF32();
            Tensor out = net.forward(in);
            assertArrayEquals(expected.shape(), out.shape());
            double max = 0;
            double err = 0;
            for (int i = 0; i < expected.size(); i++) {
                max = Math.max(max, Math.abs(expected.getFlat(i)));
                err = Math.max(err, Math.abs(expected.getFlat(i) - out.getFlat(i)));
            }
            // float32 arithmetic in another order: ~1e-6 relative; a wrong layer is off by 1e-2 or more.
            assertTrue(err <= 1e-4 * Math.max(1, max), file + ": max error " + err + " (max |golden| " + max + ")");
        }
    }

    @ParameterizedTest
    @CsvSource({"2", "4"})
    void pixelUnshuffleMatchesTheDefinition(int r) {
        int c = 3;
        int h = 4 * r;
        int w = 2 * r;
        float[] d = new float[2 * c * h * w];
        for (int i = 0; i < d.length; i++) {
            d[i] = i * 0.5f - 7;
        }
        Tensor x = Tensor.of(d, 2, c, h, w);
        Tensor y = RRDBNet.pixelUnshuffle(CPU, x, r);
        assertArrayEquals(new int[] {2, c * r * r, h / r, w / r}, y.shape());
        for (int b = 0; b < 2; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < r; i++) {
                    for (int j = 0; j < r; j++) {
                        for (int yy = 0; yy < h / r; yy++) {
                            for (int xx = 0; xx < w / r; xx++) {
                                assertEquals(x.get(b, ch, yy * r + i, xx * r + j), y.get(b, ch * r * r + i * r + j, yy, xx));
                            }
                        }
                    }
                }
            }
        }
    }
}
