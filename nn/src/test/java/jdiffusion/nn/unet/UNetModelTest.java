package jdiffusion.nn.unet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import jdiffusion.loaders.config.ModelConfig;
import jdiffusion.loaders.safetensors.SafetensorsFile;
import jdiffusion.nn.Fixtures;
import jdiffusion.nn.Golden;
import jdiffusion.nn.KnownConfigs;
import jdiffusion.tensor.Parallel;
import jdiffusion.tensor.Tensor;
import jdiffusion.tensor.cpu.CpuBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The SD1 and SDXL UNets against the diffusers goldens, block by block on the trace cases. */
class UNetModelTest {
    private static final CpuBackend CPU = new CpuBackend();

    private static ModelConfig config(String model) {
        return model.equals("tiny-sd15") ? KnownConfigs.tinySd15() : KnownConfigs.tinySdxl();
    }

    private static Tensor y(Golden g) {
        return g.has("y") ? g.get("y") : null;
    }

    @ParameterizedTest
    @CsvSource({"tiny-sd15,0", "tiny-sd15,1", "tiny-sdxl,0", "tiny-sdxl,1"})
    void matchesGolden(String model, int c) {
        try (SafetensorsFile ckpt = Fixtures.open("models/" + model + ".safetensors");
             Golden g = Golden.open("goldens/" + model + "/unet.case" + c + ".safetensors")) {
            UNetModel unet = UNetModel.fromCheckpoint(CPU, ckpt, config(model).unet());
            g.check("out", unet.forward(g.get("x"), g.get("timesteps"), g.get("context"), y(g)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-sd15", "tiny-sdxl"})
    void everyBlockMatchesTrace(String model) {
        try (SafetensorsFile ckpt = Fixtures.open("models/" + model + ".safetensors");
             Golden g = Golden.open("goldens/" + model + "/unet.trace.safetensors")) {
            UNetModel unet = UNetModel.fromCheckpoint(CPU, ckpt, config(model).unet());
            Map<String, Tensor> trace = new LinkedHashMap<>();
            Tensor out = unet.forward(g.get("x"), g.get("timesteps"), g.get("context"), y(g),
                    (name, value) -> trace.put("trace." + name, value.copy()));
            int expected = 0;
            for (String name : g.names()) {
                if (name.startsWith("trace.")) {
                    expected++;
                    assertTrue(trace.containsKey(name), "no trace for " + name);
                    g.check(name, trace.get(name));
                }
            }
            assertEquals(expected, trace.size(), "trace names " + trace.keySet());
            g.check("out", out);
        }
    }

    @Test
    void resultsDoNotDependOnThreadCount() {
        try (SafetensorsFile ckpt = Fixtures.open("models/tiny-sdxl.safetensors");
             Golden g = Golden.open("goldens/tiny-sdxl/unet.trace.safetensors");
             Parallel one = new Parallel(1);
             Parallel three = new Parallel(3)) {
            var cfg = config("tiny-sdxl").unet();
            Tensor a = UNetModel.fromCheckpoint(new CpuBackend(one), ckpt, cfg)
                    .forward(g.get("x"), g.get("timesteps"), g.get("context"), g.get("y"));
            Tensor b = UNetModel.fromCheckpoint(new CpuBackend(three), ckpt, cfg)
                    .forward(g.get("x"), g.get("timesteps"), g.get("context"), g.get("y"));
            assertArrayEquals(a.toFloatArray(), b.toFloatArray(), 0f);
        }
    }

    @Test
    void inpaintingUNetTakesNineChannels() {
        // A 9-channel conv_in whose extra 5 input channels have zero weights must reproduce the
        // 4-channel golden whatever those channels hold: the mask/masked-latent path is wired.
        try (SafetensorsFile ckpt = Fixtures.open("models/tiny-sd15.safetensors");
             Golden g = Golden.open("goldens/tiny-sd15/unet.case0.safetensors")) {
            String key = ModelConfig.UNET_PREFIX + "input_blocks.0.0.weight";
            Tensor w4 = ckpt.tensor(key).toF32();                                  // [32, 4, 3, 3]
            Tensor w9 = CPU.concat(1, w4, Tensor.zeros(32, 5, 3, 3));
            Map<String, Tensor> all = new LinkedHashMap<>();
            for (String n : ckpt.names()) {
                all.put(n, n.equals(key) ? w9 : ckpt.tensor(n));
            }
            var u = config("tiny-sd15").unet();
            var cfg9 = new jdiffusion.loaders.config.UNetConfig(9, u.outChannels(), u.modelChannels(), u.channelMult(),
                    u.numResBlocks(), u.transformerDepth(), u.transformerDepthMiddle(), u.numHeads(), u.headDim(),
                    u.contextDim(), u.linearProjection(), u.admInChannels());
            UNetModel unet = UNetModel.fromCheckpoint(CPU, new jdiffusion.loaders.MapTensorSource(all, "9-channel"), cfg9);
            Tensor x = g.get("x");
            Tensor extra = jdiffusion.tensor.Tensor.full(0.75f, x.dim(0), 5, x.dim(2), x.dim(3));
            g.check("out", unet.forward(CPU.concat(1, x, extra), g.get("timesteps"), g.get("context"), null));
        }
    }

    /**
     * Latent sides that are not multiples of 2^(levels−1) (pictures that are multiples of 8 but not 64):
     * the webui resizes the upsampled h to the skip's size by nearest interpolation before each concat.
     */
    @Test
    void oddLatentSidesRunAsInTheWebui() {
        try (SafetensorsFile ckpt = Fixtures.open("models/tiny-sd15.safetensors")) {
            UNetModel unet = UNetModel.fromCheckpoint(CPU, ckpt, config("tiny-sd15").unet());
            java.util.Random r = new java.util.Random(4);
            float[] xs = new float[4 * 9 * 11];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = (float) r.nextGaussian();
            }
            Tensor x = Tensor.of(xs, 1, 4, 9, 11);       // 9 → 5 → 3 → 2 and 11 → 6 → 3 → 2 on the way down
            Tensor out = unet.forward(x, Tensor.of(new float[] {500}, 1), Tensor.full(0.1f, 1, 77, 64), null);
            assertArrayEquals(new int[] {1, 4, 9, 11}, out.shape());
            for (int i = 0; i < out.size(); i++) {
                assertTrue(Float.isFinite(out.getFlat(i)));
            }
        }
    }

    /** torch's nearest index floor(i·(n/m)) (scale in float) is i for every i < m exactly when the rule says so. */
    @Test
    void nearestResizeByOneIsAPrefix() {
        for (int m = 1; m <= 400; m++) {
            for (int n = m; n <= m + 3; n++) {
                float scale = (float) n / m;
                boolean prefix = true;
                for (int i = 0; i < m; i++) {
                    prefix &= Math.min((int) Math.floor(i * scale), n - 1) == i;
                }
                assertEquals(prefix, UNetModel.nearestIsPrefix(n, m), n + " -> " + m);
            }
        }
        assertTrue(UNetModel.nearestIsPrefix(65, 64));
    }

    @Test
    void rejectsBadInputsWithClearMessages() {
        try (SafetensorsFile ckpt = Fixtures.open("models/tiny-sd15.safetensors")) {
            UNetModel unet = UNetModel.fromCheckpoint(CPU, ckpt, config("tiny-sd15").unet());
            Tensor ctx = Tensor.zeros(1, 77, 64);
            Tensor t = Tensor.of(new float[] {1}, 1);
            var e = assertThrows(IllegalArgumentException.class, () -> unet.forward(Tensor.zeros(1, 4, 0, 16), t, ctx, null));
            assertTrue(e.getMessage().contains("empty latent"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> unet.forward(Tensor.zeros(1, 9, 8, 8), t, ctx, null));
            assertTrue(e.getMessage().contains("[batch, 4, H, W]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> unet.forward(Tensor.zeros(1, 4, 8, 8), t, Tensor.zeros(1, 77, 128), null));
            assertTrue(e.getMessage().contains("context"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> unet.forward(Tensor.zeros(1, 4, 8, 8), t, ctx, Tensor.zeros(1, 16)));
            assertTrue(e.getMessage().contains("no label_emb"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> unet.forward(Tensor.zeros(2, 4, 8, 8), t, Tensor.zeros(2, 77, 64), null));
            assertTrue(e.getMessage().contains("timesteps"), e.getMessage());
        }
    }
}
