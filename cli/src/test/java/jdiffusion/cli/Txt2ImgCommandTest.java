package jdiffusion.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import jdiffusion.loaders.safetensors.SafetensorsFile;
import jdiffusion.sd.image.ImageFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jdiffusion txt2img} and the reporting options (timings, previews, tensor dumps). */
class Txt2ImgCommandTest {
    @TempDir
    Path dir;

    @Test
    void txt2imgWritesIntoTxt2imgImages() throws IOException {
        Cli.Run r = Cli.fast(dir, "txt2img", "-p", "a lighthouse", "--seed", "5", "--sampler", "k_euler", "--cfg-scale", "6.5");
        assertEquals(0, r.code(), r.err());
        List<Path> files = Cli.files(dir.resolve("outputs/txt2img-images"));
        assertEquals("00000-5.png", files.getFirst().getFileName().toString());
        String info = Cli.infotext(files.getFirst());
        assertTrue(info.startsWith("a lighthouse\nSteps: 2, Sampler: Euler, Schedule type: Automatic, CFG scale: 6.5, Seed: 5"), info);
        assertTrue(!info.contains("Denoising strength"), info);
    }

    @Test
    void hiresFixDoublesTheSizeAndRoundTripsThroughFromPng() throws IOException {
        Cli.Run r = Cli.fast(dir, "txt2img", "--seed", "9", "--enable-hr", "--hr-scale", "2", "--hr-upscaler", "Lanczos",
                "--hr-second-pass-steps", "1", "--hr-denoising-strength", "0.5", "-o", "a");
        assertEquals(0, r.code(), r.err());
        Path f = Cli.files(dir.resolve("a")).getFirst();
        assertEquals(128, ImageFiles.read(f).width());
        String info = Cli.infotext(f);
        assertTrue(info.contains("Denoising strength: 0.5") && info.contains("Hires upscale: 2")
                && info.contains("Hires steps: 1") && info.contains("Hires upscaler: Lanczos"), info);
        Cli.Run again = Cli.run(dir, "txt2img", "--from-png", f.toString(), "--device", "cpu", "--no-hash", "-o", "b");
        assertEquals(0, again.code(), again.err());
        Path g = Cli.files(dir.resolve("b")).getFirst();
        assertEquals(info, Cli.infotext(g));
        assertArrayEquals(ImageFiles.read(f).data(), ImageFiles.read(g).data(), "--from-png reproduces every pixel");
    }

    @Test
    void hiresOptionsWithoutEnableHrAreAUsageError() {
        Cli.Run r = Cli.fast(dir, "txt2img", "--hr-scale", "2");
        assertEquals(ExitCodes.USAGE, r.code());
        assertEquals(List.of("jdiffusion txt2img: --hr-* options need --enable-hr"), r.errLines());
    }

    @Test
    void timingsAndTimingsJson() throws IOException {
        Cli.Run r = Cli.fast(dir, "txt2img", "--timings", "--timings-json", "t/timings.json", "-q");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("timings:") && r.out().contains("sampling") && r.out().contains("load"), r.out());
        JsonNode j = new ObjectMapper().readTree(dir.resolve("t/timings.json").toFile());
        assertEquals("txt2img", j.get("command").asText());
        assertEquals(2, j.get("steps").asInt());
        assertEquals(2, j.get("sampler_steps_run").asInt());
        assertEquals(1, j.get("images").asInt());
        for (String phase : List.of("load", "text", "sampling", "decode")) {
            assertTrue(j.get("phases_s").get(phase).asDouble() > 0, phase + " in " + j);
        }
        assertTrue(j.get("wall_s").asDouble() >= j.get("total_s").asDouble() * 0.99, j.toString());
    }

    @Test
    void saveIntermediateWritesAPreviewEveryNSteps() throws IOException {
        Cli.Run r = Cli.run(dir, "txt2img", "-W", "64", "-H", "64", "--steps", "4", "--device", "cpu", "--no-hash",
                "--save-intermediate", "2", "-o", "o");
        assertEquals(0, r.code(), r.err());
        List<Path> previews = Cli.files(dir.resolve("o/intermediates"));
        assertEquals(List.of("00000-batch0-step002-0.png", "00001-batch0-step004-0.png"),
                previews.stream().map(p -> p.getFileName().toString()).toList());
        assertEquals(64, ImageFiles.read(previews.getFirst()).width());
        // "Approx cheap": a latent-sized picture (64 px / 8) without a VAE decode.
        Cli.Run cheap = Cli.run(dir, "txt2img", "-W", "64", "-H", "64", "--steps", "2", "--device", "cpu", "--no-hash",
                "--save-intermediate", "2", "--live-preview-method", "approx-cheap", "-o", "c");
        assertEquals(0, cheap.code(), cheap.err());
        List<Path> small = Cli.files(dir.resolve("c/intermediates"));
        assertEquals(1, small.size());
        assertEquals(8, ImageFiles.read(small.getFirst()).width());
    }

    @Test
    void dumpLatentsWritesEveryStepAndTheConditioning() throws IOException {
        Cli.Run r = Cli.fast(dir, "img2img", "--dump-latents", "dump", "--sampler", "Euler", "-s", "1", "-o", "o");
        assertEquals(0, r.code(), r.err());
        List<Path> dumps = Cli.files(dir.resolve("dump"));
        assertEquals(List.of("00000-iter0.safetensors"), dumps.stream().map(p -> p.getFileName().toString()).toList());
        try (SafetensorsFile f = SafetensorsFile.open(dumps.getFirst())) {
            for (String name : List.of("cond", "uncond", "init_latent", "x_start", "call.0.x", "call.0.denoised",
                    "call.1.x", "x_sampled", "decoded")) {
                assertTrue(f.contains(name), name + " in " + f.names());
            }
            assertEquals(List.of(1, 4, 8, 8), java.util.Arrays.stream(f.tensor("x_sampled").shape()).boxed().toList());
            assertTrue(f.metadata().get("infotext").contains("Seed:"), f.metadata().toString());
        }
    }
}
