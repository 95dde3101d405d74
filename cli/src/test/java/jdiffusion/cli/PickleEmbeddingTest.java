package jdiffusion.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import jdiffusion.loaders.pickle.TorchCheckpoint;
import jdiffusion.loaders.safetensors.SafetensorsFile;
import jdiffusion.nn.lora.PickleOpener;
import jdiffusion.nn.lora.TensorFiles;
import jdiffusion.sd.conditioning.Embedding;
import jdiffusion.sd.conditioning.EmbeddingFiles;
import org.junit.jupiter.api.Test;

/**
 * The pickle reader plugged into the embeddings/LoRA seam ({@link PickleOpener}): the webui-format
 * textual-inversion {@code .pt} written by real torch.save loads with the expected vectors.
 */
class PickleEmbeddingTest {
    static final PickleOpener TORCH = path -> {
        TorchCheckpoint c = TorchCheckpoint.open(path);
        return TensorFiles.of(c, Map.of(), c);
    };

    @Test
    void webuiEmbeddingPtLoadsThroughTheTorchReader() throws Exception {
        Embedding e = EmbeddingFiles.load(InspectCommandTest.testdata("torch/tiny-emb.pt"), TORCH);
        assertEquals("tiny-emb", e.name());
        try (SafetensorsFile want = SafetensorsFile.open(InspectCommandTest.testdata("torch/tiny-emb.expected.safetensors"))) {
            assertArrayEquals(want.tensor("emb").toFloatArray(), e.vectors().get(Embedding.SINGLE).toFloatArray());
            assertArrayEquals(new int[] {2, 64}, e.vectors().get(Embedding.SINGLE).shape());
        }
    }
}
