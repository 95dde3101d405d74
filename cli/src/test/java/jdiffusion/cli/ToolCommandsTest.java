package jdiffusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jdiffusion.sd.image.Image;
import jdiffusion.sd.image.ImageFiles;
import jdiffusion.sd.image.Mode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** upscale, samplers, infotext and completion. */
class ToolCommandsTest {
    @TempDir
    Path dir;

    private Path smallPicture() throws IOException {
        Path p = dir.resolve("small.png");
        ImageFiles.writePng(jdiffusion.sd.image.Resample.resize(ImageFiles.read(Cli.example("landscape.png")), 40, 32,
                jdiffusion.sd.image.Resample.Filter.LANCZOS), p, java.util.Map.of("parameters", "a barn\nSteps: 3, Seed: 1, Size: 40x32"));
        return p;
    }

    @Test
    void upscaleWithTheTinyEsrgan() throws IOException {
        Path in = smallPicture();
        Cli.Run r = Cli.run(dir, "upscale", in.toString(), "--upscaler", Cli.testdata("torch/tiny-esrgan-x2.pth").toString(),
                "--scale", "2", "--device", "cpu", "-o", "up");
        assertEquals(0, r.code(), r.err());
        Path f = Cli.files(dir.resolve("up")).getFirst();
        assertEquals("00000-small.png", f.getFileName().toString());
        Image im = ImageFiles.read(f);
        assertEquals(80, im.width());
        assertEquals(64, im.height());
        var texts = ImageFiles.readPngText(f);
        assertEquals("a barn\nSteps: 3, Seed: 1, Size: 40x32", texts.get("parameters"));
        assertEquals("Postprocess upscale by: 2, Postprocess upscaler: tiny-esrgan-x2", texts.get("postprocessing"));
    }

    @Test
    void upscaleWithLanczosAndNearest() throws IOException {
        Path in = smallPicture();
        assertEquals(0, Cli.run(dir, "upscale", in.toString(), "--scale", "3", "-o", "up").code());
        assertEquals(0, Cli.run(dir, "upscale", in.toString(), "-u", "nearest", "--scale", "1.5", "-o", "up").code());
        List<Path> files = Cli.files(dir.resolve("up"));
        assertEquals(120, ImageFiles.read(files.get(0)).width());
        assertEquals(56, ImageFiles.read(files.get(1)).width(), "webui: int(40 * 1.5 / 8) * 8");
        assertEquals(Mode.RGB, ImageFiles.read(files.get(1)).mode());
    }

    @Test
    void upscaleErrors() throws IOException {
        Path in = smallPicture();
        Cli.Run unknown = Cli.run(dir, "upscale", in.toString(), "-u", "SuperResolver");
        assertEquals(ExitCodes.USAGE, unknown.code());
        assertTrue(unknown.err().contains("unknown upscaler 'SuperResolver'"), unknown.err());
        Cli.Run notEsrgan = Cli.run(dir, "upscale", in.toString(), "-u", Cli.testdata("models/tiny-sd15.safetensors").toString());
        assertEquals(ExitCodes.MODEL, notEsrgan.code(), notEsrgan.err());
        assertEquals(1, notEsrgan.errLines().size(), notEsrgan.err());
    }

    @Test
    void samplersListsNamesAliasesAndSchedulers() {
        Cli.Run r = Cli.run(dir, "samplers");
        assertEquals(0, r.code());
        for (String s : List.of("DPM++ 2M", "k_dpmpp_2m", "Euler a", "k_euler_a", "DDIM", "PLMS", "LCM", "Restart",
                "karras", "Align Your Steps", "sgm_uniform")) {
            assertTrue(r.out().contains(s), s + " in\n" + r.out());
        }
    }

    @Test
    void infotextPrintsParsesAndReportsMissingParameters() throws IOException {
        Path p = smallPicture();
        Cli.Run raw = Cli.run(dir, "infotext", p.toString());
        assertEquals(0, raw.code());
        assertEquals("a barn\nSteps: 3, Seed: 1, Size: 40x32\n", raw.out());
        Cli.Run parsed = Cli.run(dir, "infotext", "--parsed", p.toString());
        assertTrue(parsed.out().contains("Prompt: a barn\n") && parsed.out().contains("Size-1: 40\n"), parsed.out());
        Cli.Run json = Cli.run(dir, "infotext", "--json", p.toString());
        assertTrue(json.out().contains("\"Steps\" : \"3\""), json.out());

        Cli.Run none = Cli.run(dir, "infotext", Cli.example("landscape.png").toString());
        assertEquals(ExitCodes.NOTHING, none.code());
        assertEquals(1, none.errLines().size(), none.err());
        Cli.Run missing = Cli.run(dir, "infotext", "nope.png");
        assertEquals(ExitCodes.FILE, missing.code());
        assertEquals(List.of("jdiffusion infotext: nope.png: no such file"), missing.errLines());
    }

    @Test
    void completionScriptCoversCommandsAndOptions() {
        Cli.Run r = Cli.run(dir, "completion");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("complete -F") && r.out().contains("img2img") && r.out().contains("--denoising-strength")
                && r.out().contains("crop-and-resize"), r.out().substring(0, Math.min(2000, r.out().length())));
    }

    @Test
    void noCommandPrintsTheUsage() {
        Cli.Run r = Cli.run(dir);
        assertEquals(0, r.code());
        assertTrue(r.out().startsWith("Usage: jdiffusion"), r.out());
        assertTrue(r.out().contains("Exit codes"), r.out());
    }

    @Test
    void helpListsEveryCommand() {
        Cli.Run r = Cli.run(dir, "--help");
        assertEquals(0, r.code());
        for (String c : List.of("img2img", "txt2img", "upscale", "inspect", "eval", "samplers", "infotext", "completion")) {
            assertTrue(r.out().contains(c), c + " in " + r.out());
        }
        Cli.Run img = Cli.run(dir, "img2img", "--help");
        assertTrue(img.out().contains("--inpainting-fill") && img.out().contains("--soft-difference-contrast"), img.out());
        assertTrue(Files.notExists(dir.resolve("outputs")), "help writes nothing");
    }
}
