package jdiffusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jdiffusion.sd.image.ImageFiles;
import jdiffusion.sd.image.Resample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "six applications, as commands", with the speed options (64x64, two steps) and
 * Lanczos in place of the ESRGAN model the README names.
 */
class ReadmeCommandsTest {
    private static final String P = Cli.example("landscape.png").toString();
    private static final String M = Cli.example("landscape-mask.png").toString();
    private static final String S = Cli.example("landscape-sketch.png").toString();

    @TempDir
    Path dir;

    private String ok(String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("-o", "o", "-q"));
        Cli.Run r = Cli.fast(dir, all.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        List<Path> files = Cli.files(dir.resolve("o"));
        return Cli.infotext(files.getLast());
    }

    @Test
    void detailFix() throws IOException {
        String info = ok("img2img", "--mode", "inpaint", "-i", P, "--sketch", S, "--mask", M, "--inpaint-full-res",
                "--inpaint-full-res-padding", "32", "-s", "0.35", "-p", "a red barn, detailed", "-n", "blurry");
        assertTrue(info.contains("Inpaint area: Only masked") && info.contains("Denoising strength: 0.35"), info);
    }

    @Test
    void addAnElement() throws IOException {
        String info = ok("img2img", "--mode", "inpaint-sketch", "-i", P, "--sketch", S, "--soft-inpainting", "-s", "0.5",
                "-p", "a blue pond", "-n", "blurry");
        assertTrue(info.contains("Soft inpainting enabled: True"), info);
    }

    @Test
    void removeAnElement() throws IOException {
        String info = ok("img2img", "--mode", "inpaint", "-i", P, "--mask", M, "--inpainting-fill", "fill", "-s", "0.5",
                "-p", "green meadow", "-n", "blurry");
        assertTrue(info.contains("Masked content: fill"), info);
    }

    @Test
    void modifyAnElement() throws IOException {
        String info = ok("img2img", "--mode", "inpaint", "-i", P, "--sketch", S, "--mask", M, "--inpainting-fill", "original",
                "-s", "0.7", "-p", "a blue barn");
        assertTrue(info.contains("Denoising strength: 0.7") && !info.contains("Masked content"), info);
    }

    @Test
    void sketchToWallpaper() throws IOException {
        ok("img2img", "--mode", "sketch", "-i", P, "--sketch", S, "-s", "0.85", "-p", "a landscape wallpaper");
        Path wallpaper = Cli.files(dir.resolve("o")).getFirst();
        String info = ok("img2img", "--mode", "inpaint", "-i", wallpaper.toString(), "--mask", M, "--inpainting-fill",
                "latent-noise", "-s", "0.85", "-p", "a wooden house");
        assertTrue(info.contains("Masked content: latent noise"), info);
    }

    @Test
    void upscaling() throws IOException {
        Path small = dir.resolve("small.png");
        ImageFiles.writePng(Resample.resize(ImageFiles.read(Cli.example("landscape.png")), 32, 32, Resample.Filter.LANCZOS),
                small, Map.of());
        String info = ok("img2img", "-i", small.toString(), "--img2img-upscaler", "Lanczos", "--color-correction", "-s", "0.3",
                "-p", "a landscape, highly detailed");
        assertTrue(info.contains("Denoising strength: 0.3"), info);
        Cli.Run up = Cli.run(dir, "upscale", P, "-u", "Lanczos", "--scale", "2", "-o", "up");
        assertEquals(0, up.code(), up.err());
        assertEquals(512, ImageFiles.read(Cli.files(dir.resolve("up")).getFirst()).width());
    }
}
