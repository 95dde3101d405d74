package jdiffusion.sd.conditioning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import jdiffusion.loaders.MapTensorSource;
import jdiffusion.loaders.ModelFormatException;
import jdiffusion.loaders.safetensors.SafetensorsFile;
import jdiffusion.loaders.safetensors.SafetensorsWriter;
import jdiffusion.nn.lora.PickleOpener;
import jdiffusion.nn.lora.TensorFiles;
import jdiffusion.nn.tokenizer.ClipTokenizer;
import jdiffusion.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Textual-inversion files in the formats the webui reads. */
class EmbeddingFilesTest {
    @TempDir
    Path tmp;

    private static Tensor tinyEmbValues() throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(Fixtures.file("torch/tiny-emb.expected.safetensors"))) {
            return f.tensor("emb").toF32();
        }
    }

    @Test
    void diffusersConceptSafetensors() throws IOException {
        Tensor v = tinyEmbValues();
        Path p = tmp.resolve("tiny-emb.safetensors");
        SafetensorsWriter.writeF32(p, Map.of("emb_params", v), Map.of());
        Embedding e = EmbeddingFiles.load(p, PickleOpener.unsupported());
        assertEquals("tiny-emb", e.name());
        assertEquals(2, e.vectorCount());
        assertEquals(64, e.width());
        assertArrayEquals(v.toFloatArray(), e.vectorsFor("clip_l").toFloatArray());
    }

    @Test
    void sdxlPair() throws IOException {
        Path p = tmp.resolve("duo.safetensors");
        SafetensorsWriter.writeF32(p, Map.of("clip_l", Tensor.full(1f, 3, 768), "clip_g", Tensor.full(2f, 3, 1280)), Map.of());
        Embedding e = EmbeddingFiles.load(p, PickleOpener.unsupported());
        assertEquals(2048, e.width());
        assertEquals(3, e.vectorCount());
        assertEquals(2f, e.vectorsFor("clip_g").get(2, 1279));
        EmbeddingDatabase sdxl = new EmbeddingDatabase(ClipTokenizer.standard(), ClipTokenizer.Frontend.TRANSFORMERS, 2048);
        assertTrue(sdxl.register(e));
        EmbeddingDatabase sd1 = new EmbeddingDatabase(ClipTokenizer.standard(), ClipTokenizer.Frontend.TRANSFORMERS, 768);
        assertEquals(false, sd1.register(e));
        assertTrue(sd1.skipped().get("duo").contains("2048"));
    }

    @Test
    void webuiPtFormatThroughThePickleHook() throws IOException {
        Tensor v = tinyEmbValues();
        Path p = tmp.resolve("tiny-emb.pt");
        Files.write(p, new byte[] {1});
        // What the loaders' pickle reader gives for the webui's .pt: nested dicts flattened, non-tensors dropped.
        PickleOpener fake = f -> TensorFiles.of(new MapTensorSource(Map.of("string_to_param.*", v), f.toString()), Map.of(), null);
        Embedding e = EmbeddingFiles.load(p, fake);
        assertEquals("tiny-emb", e.name());
        assertArrayEquals(v.toFloatArray(), e.vectorsFor("").toFloatArray());
        assertThrows(UnsupportedOperationException.class, () -> EmbeddingFiles.load(p, PickleOpener.unsupported()));
    }

    @Test
    void unrecognisedFilesAreErrorsNamingThem() {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> EmbeddingFiles.fromTensors("x",
                Map.of("a", Tensor.zeros(1, 4), "b", Tensor.zeros(1, 4)), Path.of("x.safetensors")));
        assertTrue(e.getMessage().contains("x.safetensors"));
        assertThrows(ModelFormatException.class, () -> EmbeddingFiles.fromTensors("x",
                Map.of("string_to_param.a", Tensor.zeros(1, 4), "string_to_param.b", Tensor.zeros(1, 4)), null));
        Embedding one = EmbeddingFiles.fromTensors("v", Map.of("<tok>", Tensor.zeros(768)), null);
        assertArrayEquals(new int[] {1, 768}, one.vectorsFor("").shape(), "a 1-D diffusers concept is one vector");
        assertEquals(List.of(), List.of());
    }
}
