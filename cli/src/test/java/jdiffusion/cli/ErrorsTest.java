package jdiffusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jdiffusion.sd.pipeline.GenerationCancelledException;
import jdiffusion.sd.pipeline.GenerationResult;
import jdiffusion.sd.pipeline.Timings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each class of failure: one line on stderr, its own exit code, no stack trace unless --debug. */
class ErrorsTest {
    @TempDir
    Path dir;

    private static void oneLine(Cli.Run r, int code, String expected) {
        assertEquals(code, r.code(), r.err());
        assertEquals(1, r.errLines().size(), "exactly one line: " + r.err());
        assertTrue(r.errLines().getFirst().contains(expected), r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
    }

    @Test
    void missingInitImage() {
        oneLine(Cli.fast(dir, "img2img", "-i", "missing.png"), ExitCodes.FILE,
                "jdiffusion img2img: --init-img missing.png: no such file");
        assertTrue(Files.notExists(dir.resolve("outputs")));
    }

    @Test
    void maskThatIsNotAnImage() throws IOException {
        Files.writeString(dir.resolve("mask.png"), "this is text");
        oneLine(Cli.fast(dir, "img2img", "--mask", "mask.png"), ExitCodes.FILE, "--mask ");
        assertTrue(Cli.fast(dir, "img2img", "--mask", "mask.png").err().contains("not a supported image format"));
    }

    @Test
    void unknownSampler() {
        oneLine(Cli.fast(dir, "img2img", "--sampler", "Eulr"), ExitCodes.USAGE, "unknown sampler 'Eulr'");
    }

    @Test
    void unknownScheduleTypeAndChoice() {
        oneLine(Cli.fast(dir, "txt2img", "--scheduler", "karas"), ExitCodes.USAGE, "--scheduler: unknown schedule type 'karas'");
        oneLine(Cli.fast(dir, "img2img", "--resize-mode", "stretch"), ExitCodes.USAGE,
                "--resize-mode: unknown value 'stretch' (expected just-resize, crop-and-resize, resize-and-fill, latent-upscale");
    }

    @Test
    void outOfRangeValuesComeFromTheBuilders() {
        oneLine(Cli.fast(dir, "img2img", "--denoising-strength", "1.3"), ExitCodes.USAGE,
                "jdiffusion img2img: Denoising strength must be within [0, 1], got 1.3");
        oneLine(Cli.fast(dir, "txt2img", "--cfg-scale", "31"), ExitCodes.USAGE, "CFG Scale");
        oneLine(Cli.fast(dir, "img2img", "--soft-mask-influence", "2"), ExitCodes.USAGE, "mask influence");
    }

    @Test
    void contradictoryOptions() {
        oneLine(Cli.fast(dir, "img2img", "--batch-input-dir", "in", "--mask", "m.png"), ExitCodes.USAGE,
                "--batch-input-dir takes the pictures from the folder");
        oneLine(Cli.fast(dir, "img2img", "--batch-mask-dir", "masks"), ExitCodes.USAGE, "need --batch-input-dir");
        oneLine(Cli.fast(dir, "img2img", "--mode", "inpaint", "-i", Cli.example("landscape.png").toString()), ExitCodes.USAGE,
                "--mode inpaint needs --mask IMG");
        oneLine(Cli.fast(dir, "img2img", "--save-intermediate", "0"), ExitCodes.USAGE, "--save-intermediate must be >= 1");
        oneLine(Cli.fast(dir, "img2img", "--live-preview-method", "taesd"), ExitCodes.USAGE,
                "--live-preview-method must be full or approx-cheap, got 'taesd'");
        oneLine(Cli.fast(dir, "img2img", "--batch-input-dir", "nowhere"), ExitCodes.FILE, "nowhere");
    }

    @Test
    void unknownUpscalersFailBeforeTheModelLoads() {
        oneLine(Cli.fast(dir, "img2img", "--img2img-upscaler", "4x-Nothing"), ExitCodes.USAGE,
                "--img2img-upscaler: unknown upscaler '4x-Nothing' (known: None, Lanczos, Nearest;");
        oneLine(Cli.fast(dir, "txt2img", "--enable-hr", "--hr-upscaler", "Latent (trilinear)"), ExitCodes.USAGE,
                "--hr-upscaler: unknown upscaler 'Latent (trilinear)' (known: None, Lanczos, Nearest, Latent, Latent (antialiased)");
    }

    @Test
    void notANumberIsAUsageError() {
        Cli.Run r = Cli.fast(dir, "img2img", "--steps", "many");
        assertEquals(ExitCodes.USAGE, r.code());
        assertTrue(r.errLines().getFirst().contains("Invalid value for option '--steps': 'many' is not an int"), r.err());
    }

    @Test
    void mistypedOptionGetsSuggestions() {
        Cli.Run r = Cli.fast(dir, "img2img", "--denoising-strenght", "0.5");
        assertEquals(ExitCodes.USAGE, r.code());
        assertTrue(r.errLines().getFirst().contains("Unknown option"), r.err());
        assertTrue(r.err().contains("--denoising-strength"), "suggestion: " + r.err());
    }

    @Test
    void badModelFile() throws IOException {
        Files.writeString(dir.resolve("model.safetensors"), "not a checkpoint");
        oneLine(Cli.fast(dir, "txt2img", "--model", "model.safetensors"), ExitCodes.MODEL, "model.safetensors");
        oneLine(Cli.fast(dir, "txt2img", "--model", "nope.safetensors"), ExitCodes.FILE, "--model nope.safetensors: no such file");
        oneLine(Cli.fast(dir, "txt2img", "--model", Cli.testdata("torch/tiny-esrgan-x2.pth").toString()), ExitCodes.MODEL,
                "tiny-esrgan-x2.pth");
    }

    @Test
    void unavailableDevice() {
        oneLine(Cli.run(dir, "txt2img", "--device", "cuda:7", "--steps", "1"), ExitCodes.DEVICE, "--device cuda:7");
        oneLine(Cli.run(dir, "txt2img", "--device", "tpu"), ExitCodes.USAGE, "unknown device 'tpu'");
    }

    @Test
    void fromPngWithoutInfotext() {
        oneLine(Cli.fast(dir, "img2img", "--from-png", Cli.example("landscape.png").toString()), ExitCodes.FILE,
                "has no 'parameters' infotext");
    }

    @Test
    void debugShowsTheStackTrace() {
        Cli.Run r = Cli.fast(dir, "img2img", "--sampler", "Eulr", "--debug");
        assertEquals(ExitCodes.USAGE, r.code());
        assertTrue(r.err().contains("CliException") && r.err().contains("\tat "), r.err());
    }

    @Test
    void cancellationMapsTo130() {
        GenerationResult partial = new GenerationResult(List.of(), List.of(), List.of(), new Timings(), List.of(), List.of());
        assertEquals(130, ExitCodes.of(new GenerationCancelledException(partial)));
    }
}
