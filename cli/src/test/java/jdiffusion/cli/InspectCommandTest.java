package jdiffusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jdiffusion inspect}, run in-process with stdout and stderr captured. */
class InspectCommandTest {
    record Run(int code, String out, String err) {
    }

    static Path testdata(String rel) {
        String p = System.getProperty("jdiffusion.testdata");
        return (p != null ? Path.of(p) : Path.of("..", "testdata")).resolve(rel);
    }

    static synchronized Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void describesTheTinySdxlCheckpoint() {
        Run r = run("inspect", testdata("models/tiny-sdxl.safetensors").toString());
        assertEquals(0, r.code(), r.err());
        String o = r.out();
        assertTrue(o.contains("format:      safetensors (memory-mapped)"), o);
        assertTrue(o.contains("model:       SDXL base, epsilon prediction"), o);
        assertTrue(o.contains("transformer depth [0, 1, 2] (middle 2), head dim 64, context 128, linear projection, label_emb input 1600"), o);
        assertTrue(o.contains("text enc 2:  conditioner.embedders.1.model.* (OpenCLIP), width 64, 3 layers, 1 heads, MLP 256, gelu"), o);
        assertTrue(o.contains("scaling factor 0.13025"), o);
        assertTrue(o.contains("dtypes:      F16 "), o);
        assertTrue(o.contains("I64 1 tensor, 77 values"), o);
        assertTrue(o.contains("description = tiny random-weight SDXL"), o);
        assertTrue(r.err().isEmpty(), r.err());
    }

    @Test
    void predictionOverride() {
        Run r = run("inspect", "--prediction", "v", testdata("models/tiny-sd15.safetensors").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("model:       Stable Diffusion 1.x, v-prediction"), r.out());
        assertTrue(r.out().contains("note:        prediction V_PREDICTION from explicit option"), r.out());
        Run bad = run("inspect", "--prediction", "x0", testdata("models/tiny-sd15.safetensors").toString());
        assertEquals(InspectCommand.MALFORMED, bad.code());
        assertTrue(bad.err().contains("--prediction must be eps or v, not 'x0'"), bad.err());
    }

    @Test
    void countsParametersPerComponent() {
        Run r = run("inspect", testdata("models/tiny-sd15-diffusers").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("format:      diffusers folder"), r.out());
        assertTrue(r.out().contains("model:       Stable Diffusion 1.x, epsilon prediction"), r.out());
        // the same tensors as the single file (without its 12 DDPM buffers): compare the counts line by line
        Run single = run("inspect", testdata("models/tiny-sd15.safetensors").toString());
        String unetLine = line(single.out(), "parameters:").replaceAll("; other .*", "");
        assertEquals(unetLine, line(r.out(), "parameters:").replaceAll("; other .*", ""));
        assertTrue(line(single.out(), "parameters:").contains("other 12,000 (12 tensors)"), single.out());
    }

    @Test
    void upscalerAndUnrecognisedFiles() {
        Run r = run("inspect", testdata("torch/tiny-esrgan-x4-oldkeys.pth").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("upscaler:    RRDBNet x4: 2 blocks, nf 16, gc 8"), r.out());
        assertTrue(r.out().contains("PyTorch zip checkpoint"), r.out());
        Run emb = run("inspect", testdata("torch/tiny-emb.pt").toString());
        assertEquals(InspectCommand.NOT_RECOGNISED, emb.code());
        assertTrue(emb.out().contains("model:       not recognised"), emb.out());
        assertTrue(emb.out().contains("F32 1 tensor, 128 values"), emb.out());
    }

    @Test
    void missingOrMalformedFilesAreOneLineAndNonZero(@TempDir Path dir) throws Exception {
        Run missing = run("inspect", dir.resolve("nope.safetensors").toString());
        assertEquals(InspectCommand.MALFORMED, missing.code());
        assertEquals(1, missing.err().strip().lines().count(), missing.err());
        assertTrue(missing.err().contains("nope.safetensors: no such file"), missing.err());
        assertTrue(missing.out().isEmpty());

        Path bad = dir.resolve("bad.safetensors");
        Files.write(bad, new byte[] {12, 0, 0, 0, 0, 0, 0, 0, '{', '"', 'a', '"', ':', '1', '}', ' ', ' ', ' ', ' ', ' '});
        Run malformed = run("inspect", bad.toString());
        assertEquals(InspectCommand.MALFORMED, malformed.code());
        assertEquals(1, malformed.err().strip().lines().count(), malformed.err());
        assertTrue(malformed.err().contains("bad.safetensors: tensor 'a': entry must be an object"), malformed.err());

        Run evil = run("inspect", testdata("pickles/malicious_os_system.ckpt").toString());
        assertEquals(InspectCommand.MALFORMED, evil.code());
        assertTrue(evil.err().contains("refuses global 'posix.system'"), evil.err());
    }

    static String line(String text, String prefix) {
        return text.lines().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow(() -> new AssertionError(prefix + " in " + text));
    }
}
