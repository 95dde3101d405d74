package jdiffusion.nn.vae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdiffusion.loaders.config.ModelConfig;
import jdiffusion.loaders.safetensors.SafetensorsFile;
import jdiffusion.nn.Fixtures;
import jdiffusion.nn.Golden;
import jdiffusion.nn.KnownConfigs;
import jdiffusion.tensor.Tensor;
import jdiffusion.tensor.cpu.CpuBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The AutoencoderKL against the PyTorch goldens of both tiny models. */
class VaeTest {
    private static final CpuBackend CPU = new CpuBackend();

    private static ModelConfig config(String model) {
        return model.equals("tiny-sd15") ? KnownConfigs.tinySd15() : KnownConfigs.tinySdxl();
    }

    @ParameterizedTest
    @CsvSource({"tiny-sd15,0", "tiny-sd15,1", "tiny-sdxl,0", "tiny-sdxl,1"})
    void encodeMatchesGolden(String model, int c) {
        try (SafetensorsFile ckpt = Fixtures.open("models/" + model + ".safetensors");
             Golden g = Golden.open("goldens/" + model + "/vae_encode.case" + c + ".safetensors")) {
            Vae vae = Vae.fromCheckpoint(CPU, ckpt, config(model).vae());
            LatentDistribution d = vae.encode(g.get("image"));
            g.check("mean", d.mean());
            g.check("logvar", d.logvar());
        }
    }

    @ParameterizedTest
    @CsvSource({"tiny-sd15,0", "tiny-sd15,1", "tiny-sdxl,0", "tiny-sdxl,1"})
    void decodeMatchesGolden(String model, int c) {
        try (SafetensorsFile ckpt = Fixtures.open("models/" + model + ".safetensors");
             Golden g = Golden.open("goldens/" + model + "/vae_decode.case" + c + ".safetensors")) {
            Vae vae = Vae.fromCheckpoint(CPU, ckpt, config(model).vae());
            g.check("decoded", vae.decode(g.get("latent")));
        }
    }

    @Test
    void rejectsBadShapesWithClearMessages() {
        try (SafetensorsFile ckpt = Fixtures.open("models/tiny-sd15.safetensors")) {
            Vae vae = Vae.fromCheckpoint(CPU, ckpt, KnownConfigs.tinySd15().vae());
            assertEquals(8, vae.downscale());
            assertEquals(0.18215f, vae.scalingFactor());
            var e = assertThrows(IllegalArgumentException.class, () -> vae.encode(Tensor.zeros(1, 3, 12, 16)));
            assertTrue(e.getMessage().contains("multiples of 8"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> vae.decode(Tensor.zeros(1, 3, 2, 2)));
            assertTrue(e.getMessage().contains("[batch, 4, h, w]"), e.getMessage());
        }
    }
}
