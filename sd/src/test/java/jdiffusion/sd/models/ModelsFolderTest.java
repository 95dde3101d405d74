package jdiffusion.sd.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import jdiffusion.loaders.safetensors.SafetensorsWriter;
import jdiffusion.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The models-folder layout and the webui's LoRA name / alias rules. */
class ModelsFolderTest {
    @TempDir
    Path tmp;

    private Path lora(String rel, String outputName) throws IOException {
        Path p = tmp.resolve("Lora").resolve(rel);
        Files.createDirectories(p.getParent());
        SafetensorsWriter.writeF32(p, Map.of("x", Tensor.zeros(1)), outputName == null ? Map.of() : Map.of("ss_output_name", outputName));
        return p;
    }

    @Test
    void namesSubfoldersAndAliases() throws IOException {
        Path a = lora("style/ill-xl-01-KonYa666_4.safetensors", "konya");
        Path b = lora("detail10.safetensors", null);
        Path c = lora("detail2.safetensors", null);
        Path d = lora("x/dup1.safetensors", "same");
        Path e = lora("x/dup2.safetensors", "same");
        Files.createDirectories(tmp.resolve("Lora/.hidden"));
        SafetensorsWriter.writeF32(tmp.resolve("Lora/.hidden/secret.safetensors"), Map.of("x", Tensor.zeros(1)), Map.of());
        Files.writeString(tmp.resolve("Lora/readme.txt"), "not a network");
        ModelsFolder mf = new ModelsFolder(tmp);
        assertEquals(List.of(c, b, a, d, e), mf.loraFiles(), "top folder first, natural order, hidden and non-network files skipped");
        LoraLibrary lib = LoraLibrary.of(mf);
        assertEquals(a, lib.find("ill-xl-01-KonYa666_4"));
        assertEquals(a, lib.find("konya"), "ss_output_name alias");
        assertNull(lib.find("same"), "an alias two files claim is not usable");
        assertEquals(d, lib.find("dup1"));
        assertThrows(IllegalArgumentException.class, () -> lib.require("missing"));
    }

    @Test
    void laterFileWithTheSameStemWins() throws IOException {
        lora("a/net.safetensors", null);
        Path later = lora("b/net.safetensors", null);
        assertEquals(later, LoraLibrary.of(new ModelsFolder(tmp)).find("net"));
    }

    @Test
    void folders() {
        ModelsFolder mf = new ModelsFolder(tmp);
        assertEquals(tmp.resolve("Stable-diffusion"), mf.checkpoints());
        assertEquals(tmp.resolve("embeddings"), mf.embeddings());
        assertEquals(tmp.resolve("ESRGAN"), mf.esrgan());
        assertEquals(tmp.resolve("VAE"), mf.vae());
        assertTrue(mf.embeddingFiles().isEmpty(), "a missing folder is empty");
        assertEquals("tiny-emb", ModelsFolder.stem(Path.of("a/tiny-emb.pt")));
    }

    @Test
    void folderOverridesReplaceOneSubfolderEach() throws IOException {
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        lora("in-root.safetensors", null);
        SafetensorsWriter.writeF32(elsewhere.resolve("other.safetensors"),
                Map.of("x", Tensor.zeros(1)), Map.of());
        ModelsFolder mf = new ModelsFolder(tmp).withLoraDir(elsewhere);
        assertEquals(elsewhere, mf.lora());
        assertEquals(List.of(elsewhere.resolve("other.safetensors")), mf.loraFiles());
        assertEquals(tmp.resolve("embeddings"), mf.embeddings(), "the others keep the root's layout");
        ModelsFolder all = mf.withEmbeddingsDir(tmp.resolve("e")).withEsrganDir(tmp.resolve("x"));
        assertEquals(tmp.resolve("e"), all.embeddings());
        assertEquals(tmp.resolve("x"), all.esrgan());
        assertEquals(elsewhere, all.lora());
        assertEquals(tmp.resolve("Stable-diffusion"), all.checkpoints());
    }
}
