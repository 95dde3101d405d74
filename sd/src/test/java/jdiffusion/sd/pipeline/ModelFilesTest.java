package jdiffusion.sd.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import jdiffusion.loaders.LoadedModel;
import jdiffusion.loaders.ModelLoader;
import jdiffusion.loaders.safetensors.SafetensorsWriter;
import jdiffusion.nn.esrgan.RRDBNet;
import jdiffusion.sampler.rng.RngSource;
import jdiffusion.sd.image.Image;
import jdiffusion.sd.image.ResizeMode;
import jdiffusion.sd.image.Resizer;
import jdiffusion.sd.infotext.ModelHash;
import jdiffusion.sd.models.ModelsFolder;
import jdiffusion.sd.upscale.EsrganUpscaler;
import jdiffusion.tensor.Tensor;
import jdiffusion.tensor.cpu.CpuBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A separate VAE file and an ESRGAN upscaler found in the models folder. */
class ModelFilesTest {
    @TempDir
    Path folder;

    private static GenerationSettings settings() {
        return GenerationSettings.builder().prompt("a barn").sampler("Euler").steps(2).seed(21).size(64, 64)
                .rng(RngSource.CPU).build();
    }

    @Test
    void separateVaeFileIsUsedAndNamedInTheInfotext() throws IOException {
        SdModel base = TinyModels.sd15();
        Map<String, Tensor> vae = new LinkedHashMap<>();
        for (String n : base.weights().names()) {
            if (n.startsWith("first_stage_model.")) {
                vae.put(n, base.weights().tensor(n).toF32());
            }
        }
        Path file = Files.createDirectories(folder.resolve("VAE")).resolve("tiny.vae.safetensors");
        SafetensorsWriter.writeF32(file, vae, Map.of());
        try (SdModel m = SdModel.load(new CpuBackend(), TestFiles.file("models/tiny-sd15.safetensors"),
                ModelOptions.defaults().withVae(file), null)) {
            GenerationResult r = new Pipeline(m).txt2img(Txt2ImgRequest.of(settings()), null, null);
            String info = r.images().getFirst().infotext();
            assertTrue(info.contains("VAE hash: " + ModelHash.shortHash(file) + ", VAE: tiny.vae,"), info);
            GenerationResult same = new Pipeline(base).txt2img(Txt2ImgRequest.of(settings()), null, null);
            Compare.uint8("the same VAE weights from a separate file", same.images().getFirst().image(),
                    r.images().getFirst().image());
        }
    }

    @Test
    void esrganFromTheModelsFolderUpscalesTheInitImage() throws IOException {
        Path esrgan = Files.createDirectories(folder.resolve("ESRGAN")).resolve("tiny-esrgan-x4.pth");
        Files.copy(TestFiles.file("torch/tiny-esrgan-x4.pth"), esrgan);
        Image small = TinyModels.picture(32, 32);
        try (SdModel m = SdModel.load(new CpuBackend(), TestFiles.file("models/tiny-sd15.safetensors"),
                ModelOptions.defaults().withModelsFolder(new ModelsFolder(folder)), null);
             LoadedModel net = ModelLoader.open(esrgan)) {
            TensorRecorder rec = new TensorRecorder();
            Img2ImgSettings s = Img2ImgSettings.builder(Canvas.img2img(small)).upscaler("tiny-esrgan-x4")
                    .denoisingStrength(0.3).build();
            new Pipeline(m).img2img(new Img2ImgRequest(settings(), s), rec, null);
            // resize_image with the img2img upscaler: the model upscales (x4 → 128), then LANCZOS to 64.
            CpuBackend cpu = new CpuBackend();
            Image expected = new Resizer(EsrganUpscaler.of(cpu, new RRDBNet(cpu, net.weights(),
                    ((LoadedModel.Esrgan) net.kind()).config()))).resize(ResizeMode.JUST_RESIZE, small, 64, 64);
            float[] x = rec.get("init_image").toFloatArray();
            int plane = 64 * 64;
            for (int c = 0; c < 3; c++) {
                for (int p = 0; p < plane; p++) {
                    assertEquals(expected.get(p % 64, p / 64, c), Math.round(x[c * plane + p] * 255f), "pixel " + p);
                }
            }
            GenerationResult t = new Pipeline(m).txt2img(new Txt2ImgRequest(settings(),
                    HiresFix.builder().upscaler("tiny-esrgan-x4").steps(1).denoisingStrength(0.3).build()), null, null);
            assertEquals(128, t.images().getFirst().image().width());
            assertTrue(t.images().getFirst().infotext().contains("Hires upscaler: tiny-esrgan-x4"));
        }
    }
}
