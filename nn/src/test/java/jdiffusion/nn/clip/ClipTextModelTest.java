package jdiffusion.nn.clip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdiffusion.loaders.config.TextEncoderConfig;
import jdiffusion.loaders.safetensors.SafetensorsFile;
import jdiffusion.nn.Fixtures;
import jdiffusion.nn.Golden;
import jdiffusion.nn.KnownConfigs;
import jdiffusion.tensor.Tensor;
import jdiffusion.tensor.cpu.CpuBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Both text-encoder layouts against the transformers goldens: every hidden state, pooled and projected outputs. */
class ClipTextModelTest {
    private static final CpuBackend CPU = new CpuBackend();

    private static TextEncoderConfig config(String model, int encoder) {
        return (model.equals("tiny-sd15") ? KnownConfigs.tinySd15() : KnownConfigs.tinySdxl()).textEncoders().get(encoder);
    }

    @ParameterizedTest
    @CsvSource({
        "tiny-sd15, 0, text_encoder.pad_eos",
        "tiny-sdxl, 0, text_encoder.pad_eos",
        "tiny-sdxl, 1, text_encoder_2.pad_eos",
        "tiny-sdxl, 1, text_encoder_2.pad_zero"})
    void matchesGolden(String model, int encoder, String golden) {
        try (SafetensorsFile ckpt = Fixtures.open("models/" + model + ".safetensors");
             Golden g = Golden.open("goldens/" + model + "/" + golden + ".safetensors")) {
            TextEncoderConfig cfg = config(model, encoder);
            ClipTextModel clip = ClipTextModel.fromCheckpoint(CPU, ckpt, cfg);
            ClipTextOutput out = clip.forward(g.get("input_ids"));
            assertEquals(cfg.layers() + 1, out.hiddenStates().size());
            for (int i = 0; i <= cfg.layers(); i++) {
                g.check("hidden_states." + i, out.hiddenStates().get(i));
            }
            g.check("last_hidden_state", out.lastHiddenState());
            g.check("pooler_output", out.pooled());
            if (g.has("text_embeds")) {
                g.check("text_embeds", out.textEmbeds());
            } else {
                assertNull(out.textEmbeds());
            }
        }
    }

    @Test
    void rejectsBadIds() {
        try (SafetensorsFile ckpt = Fixtures.open("models/tiny-sd15.safetensors")) {
            ClipTextModel clip = ClipTextModel.fromCheckpoint(CPU, ckpt, config("tiny-sd15", 0));
            var e = assertThrows(IllegalArgumentException.class, () -> clip.forward(Tensor.zeros(1, 78)));
            assertTrue(e.getMessage().contains("1..77 tokens"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> clip.forward(Tensor.of(new float[] {49406, 49408}, 1, 2)));
            assertTrue(e.getMessage().contains("id 49408"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> clip.forward(Tensor.of(new float[] {1.5f}, 1, 1)));
            assertTrue(e.getMessage().contains("not an integer"), e.getMessage());
        }
    }

    @Test
    void shortSequencesUseTheFirstPositions() {
        // A 77-token call and a call on its first 10 tokens agree on those tokens (causal mask).
        try (SafetensorsFile ckpt = Fixtures.open("models/tiny-sd15.safetensors");
             Golden g = Golden.open("goldens/tiny-sd15/text_encoder.pad_eos.safetensors")) {
            ClipTextModel clip = ClipTextModel.fromCheckpoint(CPU, ckpt, config("tiny-sd15", 0));
            float[] ids = g.get("input_ids").toFloatArray();
            float[] first = java.util.Arrays.copyOf(ids, 10);
            Tensor full = clip.forward(Tensor.of(java.util.Arrays.copyOf(ids, 77), 1, 77)).lastHiddenState();
            Tensor part = clip.forward(Tensor.of(first, 1, 10)).lastHiddenState();
            Tensor expected = CPU.narrow(full, 1, 0, 10);
            assertTrue(Golden.maxAbsDiff(expected, part) < 1e-5, "prefix differs");
        }
    }
}
