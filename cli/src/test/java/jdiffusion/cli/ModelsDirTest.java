package jdiffusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A webui-style models folder: checkpoints, VAEs and upscalers by name; the infotext's Model for --from-png. */
class ModelsDirTest {
    @TempDir
    Path dir;

    private void install(String sub, Path file, String name) throws IOException {
        Path d = Files.createDirectories(dir.resolve("models").resolve(sub));
        Files.createSymbolicLink(d.resolve(name), file.toAbsolutePath());
    }

    @Test
    void checkpointFromTheFolderByDefaultAndByName() throws IOException {
        install("Stable-diffusion", Cli.testdata("models/tiny-sd15.safetensors"), "b-model.safetensors");
        install("Stable-diffusion", Cli.testdata("models/tiny-sd15.safetensors"), "a-model.safetensors");
        Cli.Run first = Cli.fast(dir, "txt2img", "-o", "o");
        assertEquals(0, first.code(), first.err());
        assertTrue(Cli.infotext(Cli.files(dir.resolve("o")).getFirst()).contains("Model: a-model"), "the first, by name");
        Cli.Run named = Cli.fast(dir, "txt2img", "--model", "b-model", "-o", "o");
        assertEquals(0, named.code(), named.err());
        Path second = Cli.files(dir.resolve("o")).getLast();
        assertTrue(Cli.infotext(second).contains("Model: b-model"), Cli.infotext(second));
        // --from-png takes the infotext's Model when the folder has it.
        Cli.Run again = Cli.run(dir, "txt2img", "--from-png", second.toString(), "--device", "cpu", "--no-hash", "-o", "p");
        assertEquals(0, again.code(), again.err());
        assertEquals(Cli.infotext(second), Cli.infotext(Cli.files(dir.resolve("p")).getFirst()));
    }

    @Test
    void separateVaeByNameAndUpscalerByName() throws IOException {
        install("VAE", Cli.testdata("models/tiny-sd15-diffusers/vae/diffusion_pytorch_model.safetensors"), "tiny-vae.safetensors");
        install("ESRGAN", Cli.testdata("torch/tiny-esrgan-x2.pth"), "tiny-x2.pth");
        Cli.Run r = Cli.fast(dir, "txt2img", "--vae", "tiny-vae", "-o", "o");
        assertEquals(0, r.code(), r.err());
        assertTrue(Cli.infotext(Cli.files(dir.resolve("o")).getFirst()).contains("VAE: tiny-vae"), r.err());
        Cli.Run up = Cli.run(dir, "upscale", Cli.example("landscape-mask.png").toString(), "-u", "tiny-x2", "--scale", "2",
                "--tile", "64", "--device", "cpu", "-o", "up");
        assertEquals(0, up.code(), up.err());
        assertTrue(up.out().contains("256x256 -> 512x512"), up.out());
        Path small = dir.resolve("small.png");
        jdiffusion.sd.image.ImageFiles.writePng(jdiffusion.sd.image.Resample.resize(
                jdiffusion.sd.image.ImageFiles.read(Cli.example("landscape.png")), 32, 32,
                jdiffusion.sd.image.Resample.Filter.LANCZOS), small, java.util.Map.of());
        Cli.Run img = Cli.fast(dir, "img2img", "-i", "small.png", "--img2img-upscaler", "tiny-x2", "-o", "i");
        assertEquals(0, img.code(), img.err());
    }

    @Test
    void missingFolderOptionsAreFileErrors() {
        Cli.Run r = Cli.fast(dir, "txt2img", "--lora-dir", "nowhere");
        assertEquals(ExitCodes.FILE, r.code());
        assertEquals(java.util.List.of("jdiffusion txt2img: --lora-dir nowhere: no such folder"), r.errLines());
    }
}
