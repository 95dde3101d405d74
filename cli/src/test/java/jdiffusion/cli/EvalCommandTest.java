package jdiffusion.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;
import jdiffusion.loaders.safetensors.SafetensorsFile;
import jdiffusion.loaders.safetensors.SafetensorsWriter;
import jdiffusion.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code jdiffusion eval} run in-process on golden files: every golden output is written and within tolerance. */
class EvalCommandTest {
    @TempDir
    Path tmp;

    private static Path testdata(String relative) {
        String p = System.getProperty("jdiffusion.testdata");
        return (p != null ? Path.of(p) : Path.of("..", "testdata")).resolve(relative);
    }

    @ParameterizedTest
    @CsvSource({
        "tiny-sd15, text, text_encoder.pad_eos, ''",
        "tiny-sdxl, text2, text_encoder_2.pad_zero, ''",
        "tiny-sd15, unet, unet.trace, ''",
        "tiny-sdxl, unet, unet.case1, --config=tiny-sdxl",
        "tiny-sdxl, vae-encode, vae_encode.case0, ''",
        "tiny-sd15, vae-decode, vae_decode.case1, --config=tiny-sd15"})
    void replaysGoldenFiles(String model, String component, String golden, String extra) throws IOException {
        Path in = testdata("goldens/" + model + "/" + golden + ".safetensors");
        Path out = tmp.resolve("out.safetensors");
        String[] base = {"eval", "--model", testdata("models/" + model + ".safetensors").toString(), "--component",
            component, "--inputs", in.toString(), "--out", out.toString(), "--check"};
        String[] args = extra.isEmpty() ? base : append(base, extra);
        assertEquals(0, Main.run(args));
        try (SafetensorsFile g = SafetensorsFile.open(in); SafetensorsFile o = SafetensorsFile.open(out)) {
            JsonNode tol = new ObjectMapper().readTree(g.metadata().get("tolerance_abs"));
            TreeSet<String> expected = new TreeSet<>();
            tol.fieldNames().forEachRemaining(expected::add);
            assertTrue(o.names().containsAll(expected), "missing outputs: " + expected + " vs " + o.names());
            for (String name : expected) {
                Tensor a = g.tensor(name);
                Tensor b = o.tensor(name);
                assertArrayEquals(a.shape(), b.shape(), name);
                float[] x = a.toFloatArray();
                float[] y = b.toFloatArray();
                double err = 0;
                for (int i = 0; i < x.length; i++) {
                    err = Math.max(err, Math.abs((double) x[i] - y[i]));
                }
                assertTrue(err <= tol.get(name).asDouble(), name + ": " + err);
            }
        }
    }

    private static String[] append(String[] a, String s) {
        String[] r = java.util.Arrays.copyOf(a, a.length + 1);
        r[a.length] = s;
        return r;
    }

    @Test
    void checkFailsOnAWrongReference() throws IOException {
        // A golden whose expected output was altered: eval still writes, --check reports the mismatch.
        Path golden = testdata("goldens/tiny-sd15/vae_decode.case0.safetensors");
        Path bad = tmp.resolve("bad.safetensors");
        try (SafetensorsFile g = SafetensorsFile.open(golden)) {
            Tensor decoded = g.tensor("decoded").toF32();
            decoded.array()[5] += 0.01f;
            SafetensorsWriter.writeF32(bad, Map.of("latent", g.tensor("latent"), "decoded", decoded),
                    Map.of("tolerance_abs", g.metadata().get("tolerance_abs")));
        }
        String[] args = {"eval", "--model", testdata("models/tiny-sd15.safetensors").toString(), "--component",
            "vae-decode", "--inputs", bad.toString(), "--out", tmp.resolve("o.safetensors").toString(), "--check"};
        assertEquals(EvalCommand.MISMATCH, Main.run(args));
        assertTrue(Files.exists(tmp.resolve("o.safetensors")));
    }

    @Test
    void badArgumentsGiveExitCode1() {
        String model = testdata("models/tiny-sd15.safetensors").toString();
        String in = testdata("goldens/tiny-sd15/vae_decode.case0.safetensors").toString();
        String out = tmp.resolve("o.safetensors").toString();
        assertEquals(1, Main.run("eval", "--model", model, "--component", "vae", "--inputs", in, "--out", out));
        assertEquals(1, Main.run("eval", "--model", model, "--component", "unet", "--inputs", in, "--out", out));
        assertEquals(1, Main.run("eval", "--model", model, "--component", "text2", "--inputs", in, "--out", out));
        assertEquals(1, Main.run("eval", "--model", model, "--component", "vae-decode", "--config", "sd3",
                "--inputs", in, "--out", out));
        assertEquals(0, Main.run("eval", "--model", model, "--component", "vae-decode", "--inputs", in, "--out", out));
        assertEquals(1, Main.run("eval", "--model", tmp.resolve("none.safetensors").toString(), "--component",
                "vae-decode", "--inputs", in, "--out", out));
        assertEquals(1, Main.run("eval", "--model", model, "--component", "vae-decode", "--inputs", in, "--out", in,
                "--force"));
        // The output exists now: refused without --force.
        assertEquals(1, Main.run("eval", "--model", model, "--component", "vae-decode", "--inputs", in, "--out", out));
        assertEquals(0, Main.run("eval", "--model", model, "--component", "vae-decode", "--inputs", in, "--out", out,
                "--force"));
    }
}
