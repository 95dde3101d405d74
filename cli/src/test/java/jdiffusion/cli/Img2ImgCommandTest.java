package jdiffusion.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jdiffusion.sd.image.Image;
import jdiffusion.sd.image.ImageFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jdiffusion img2img} end to end on the tiny model, in-process, outputs in a temporary folder. */
class Img2ImgCommandTest {
    @TempDir
    Path dir;

    @Test
    void defaultJobWritesANumberedPngWithInfotext() throws IOException {
        // Only the speed options are given: default model, picture, prompt and output folder.
        Cli.Run r = Cli.fast(dir, "img2img", "--seed", "42");
        assertEquals(0, r.code(), r.err());
        List<Path> files = Cli.files(dir.resolve("outputs/img2img-images"));
        assertEquals(List.of("00000-42.png"), files.stream().map(p -> p.getFileName().toString()).toList());
        String info = Cli.infotext(files.getFirst());
        assertTrue(info.startsWith(Img2ImgCommand.DEFAULT_PROMPT + "\n"), info);
        assertTrue(info.contains("Steps: 2, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7, Seed: 42, Size: 64x64"), info);
        assertTrue(info.contains("Model: tiny-sd15") && info.contains("Denoising strength: 0.75"), info);
        Image im = ImageFiles.read(files.getFirst());
        assertEquals(64, im.width());
        assertTrue(r.out().contains("wrote " + files.getFirst()), r.out());
    }

    @Test
    void tinyModelDefaultsToItsNativeSize() {
        Cli.Run r = Cli.run(dir, "img2img", "--steps", "1", "--device", "cpu", "-s", "0.1", "--timings-json", "t.json");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.exists(dir.resolve("outputs/img2img-images")));
        assertTrue(readString(dir.resolve("t.json")).contains("\"width\" : 256"));
    }

    @Test
    void numberingNeverOverwrites() throws IOException {
        Path out = dir.resolve("o");
        Files.createDirectories(out);
        Files.writeString(out.resolve("00007-keep.png"), "not ours");
        assertEquals(0, Cli.fast(dir, "img2img", "--seed", "3", "-o", "o").code());
        assertEquals(0, Cli.fast(dir, "img2img", "--seed", "3", "-o", "o").code());
        assertEquals(List.of("00007-keep.png", "00008-3.png", "00009-3.png"),
                Cli.files(out).stream().map(p -> p.getFileName().toString()).toList());
        assertEquals("not ours", Files.readString(out.resolve("00007-keep.png")));
    }

    @Test
    void batchSizeAndCountGiveOneFilePerImageWithConsecutiveSeeds() throws IOException {
        Cli.Run r = Cli.fast(dir, "img2img", "--seed", "10", "--batch-size", "2", "--n-iter", "2", "-o", "o", "-q");
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("00000-10.png", "00001-11.png", "00002-12.png", "00003-13.png"),
                Cli.files(dir.resolve("o")).stream().map(p -> p.getFileName().toString()).toList());
    }

    @Test
    void inpaintUploadIsChosenByMaskAndWritesInpaintEntries() throws IOException {
        Cli.Run r = Cli.fast(dir, "img2img", "-i", Cli.example("landscape.png").toString(), "--mask",
                Cli.example("landscape-mask.png").toString(), "--inpainting-fill", "fill", "--mask-blur", "2",
                "--inpainting-mask-invert", "-o", "o", "--seed", "1");
        assertEquals(0, r.code(), r.err());
        String info = Cli.infotext(Cli.files(dir.resolve("o")).getFirst());
        assertTrue(info.contains("Mask blur: 2, Mask mode: Inpaint not masked, Masked content: fill"), info);
    }

    @Test
    void inpaintOnlyMaskedWithSketchedPicture() throws IOException {
        Cli.Run r = Cli.fast(dir, "img2img", "--mode", "inpaint", "-i", Cli.example("landscape.png").toString(),
                "--sketch", Cli.example("landscape-sketch.png").toString(), "--mask", Cli.example("landscape-mask.png").toString(),
                "--inpaint-full-res", "--inpaint-full-res-padding", "16", "-s", "0.35", "-o", "o");
        assertEquals(0, r.code(), r.err());
        Path f = Cli.files(dir.resolve("o")).getFirst();
        String info = Cli.infotext(f);
        assertTrue(info.contains("Inpaint area: Only masked, Masked area padding: 16"), info);
        assertEquals(256, ImageFiles.read(f).width(), "only masked pastes back into the full picture");
    }

    @Test
    void inpaintSketchWithSoftInpainting() throws IOException {
        Cli.Run r = Cli.fast(dir, "img2img", "--mode", "inpaint-sketch", "-i", Cli.example("landscape.png").toString(),
                "--sketch", Cli.example("landscape-sketch.png").toString(), "--soft-preservation-strength", "0.7",
                "--mask-alpha", "10", "-o", "o");
        assertEquals(0, r.code(), r.err());
        String info = Cli.infotext(Cli.files(dir.resolve("o")).getFirst());
        assertTrue(info.contains("Soft inpainting enabled: True, Soft inpainting schedule bias: 1.0, "
                + "Soft inpainting preservation strength: 0.7"), info);
    }

    @Test
    void sketchModeAndResizeModes() throws IOException {
        Cli.Run r = Cli.fast(dir, "img2img", "--mode", "sketch", "-i", Cli.example("landscape.png").toString(),
                "--sketch", Cli.example("landscape-sketch.png").toString(), "--resize-mode", "crop-and-resize",
                "--color-correction", "-o", "o");
        assertEquals(0, r.code(), r.err());
        Cli.Run latent = Cli.fast(dir, "img2img", "--resize-mode", "latent-upscale", "--sampler", "Euler a",
                "--scheduler", "karras", "-o", "o");
        assertEquals(0, latent.code(), latent.err());
        String info = Cli.infotext(Cli.files(dir.resolve("o")).get(1));
        assertTrue(info.contains("Sampler: Euler a, Schedule type: Karras"), info);
    }

    @Test
    void fromPngReproducesTheImageAndExplicitOptionsOverride() throws IOException {
        Cli.Run first = Cli.fast(dir, "img2img", "-p", "a castle, (detailed:1.2)", "-n", "blurry", "--sampler", "Euler",
                "--cfg-scale", "5", "--seed", "77", "-s", "0.6", "--mask", Cli.example("landscape-mask.png").toString(),
                "-i", Cli.example("landscape.png").toString(), "--mask-blur", "3", "--inpainting-fill", "latent-nothing",
                "-o", "a");
        assertEquals(0, first.code(), first.err());
        Path original = Cli.files(dir.resolve("a")).getFirst();
        Cli.Run again = Cli.run(dir, "img2img", "--from-png", original.toString(), "--mask",
                Cli.example("landscape-mask.png").toString(), "-i", Cli.example("landscape.png").toString(),
                "--device", "cpu", "--no-hash", "-o", "b");
        assertEquals(0, again.code(), again.err());
        Path copy = Cli.files(dir.resolve("b")).getFirst();
        assertEquals("00000-77.png", copy.getFileName().toString());
        assertEquals(Cli.infotext(original), Cli.infotext(copy));
        assertArrayEquals(ImageFiles.read(original).data(), ImageFiles.read(copy).data());

        Cli.Run changed = Cli.run(dir, "img2img", "--from-png", original.toString(), "--steps", "3", "--seed", "78",
                "--device", "cpu", "--no-hash", "-o", "c", "--mask", Cli.example("landscape-mask.png").toString());
        assertEquals(0, changed.code(), changed.err());
        String info = Cli.infotext(Cli.files(dir.resolve("c")).getFirst());
        assertEquals(Cli.infotext(original).replace("Steps: 2", "Steps: 3").replace("Seed: 77", "Seed: 78"), info);
    }

    @Test
    void batchTabNamesResultsAfterInputs() throws IOException {
        Path in = Files.createDirectories(dir.resolve("in"));
        Files.copy(Cli.example("landscape.png"), in.resolve("b.png"));
        Files.copy(Cli.example("landscape.png"), in.resolve("a.png"));
        Files.writeString(in.resolve("notes.txt"), "skip me");
        Cli.Run r = Cli.fast(dir, "img2img", "--batch-input-dir", "in", "--batch-output-dir", "out");
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("a.png", "b.png"), Cli.files(dir.resolve("out")).stream().map(p -> p.getFileName().toString()).toList());
        Cli.Run twice = Cli.fast(dir, "img2img", "--batch-input-dir", "in", "--batch-output-dir", "out");
        assertEquals(0, twice.code(), twice.err());
        assertEquals(4, Cli.files(dir.resolve("out")).size(), "a second run adds a-1.png, b-1.png");
        assertEquals(List.of("a-1.png", "a.png", "b-1.png", "b.png"),
                Cli.files(dir.resolve("out")).stream().map(p -> p.getFileName().toString()).toList());
    }

    private static String readString(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
