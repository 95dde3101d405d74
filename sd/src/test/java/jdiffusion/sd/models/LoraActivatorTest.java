package jdiffusion.sd.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import jdiffusion.loaders.safetensors.SafetensorsFile;
import jdiffusion.nn.lora.PickleOpener;
import jdiffusion.sd.prompt.ExtraNetworks;
import jdiffusion.sd.prompt.LoraActivation;
import jdiffusion.tensor.cpu.CpuBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** From a prompt tag to merged weights, through the models folder. */
class LoraActivatorTest {
    @TempDir
    Path tmp;

    @Test
    void promptTagToMergedWeights() throws IOException {
        Files.createDirectories(tmp.resolve("Lora/tiny"));
        Files.copy(Fixtures.file("lora/tiny-sd15.lora.safetensors"), tmp.resolve("Lora/tiny/tiny-lora.safetensors"));
        ExtraNetworks.Parsed p = ExtraNetworks.parse("a photo of a cat, <lora:tiny-lora:0.7> <lora:missing:1>");
        assertEquals("a photo of a cat,  ", p.prompt());
        List<LoraActivation> acts = LoraActivation.fromNetworks(p.networks(), null);
        try (SafetensorsFile base = SafetensorsFile.open(Fixtures.file("models/tiny-sd15.safetensors"));
             SafetensorsFile golden = SafetensorsFile.open(Fixtures.file("lora/tiny-sd15.lora_merged.safetensors"));
             LoraActivator act = new LoraActivator(LoraLibrary.of(new ModelsFolder(tmp)), base, PickleOpener.unsupported(),
                     new CpuBackend())) {
            LoraActivator.Result r = act.activate(acts);
            assertEquals(List.of("Lora not found: missing"), r.warnings());
            assertEquals(Map.of(), r.bundledEmbeddings());
            assertEquals(Map.of("tiny-lora", "0b6107782408"), r.loraHashes(), "addnet hash: SHA-256 after the header");
            String key = "model.diffusion_model.input_blocks.4.0.in_layers.2.weight";
            assertArrayEquals(golden.tensor("merged." + key).toFloatArray(), r.overlay().tensor(key).toFloatArray());
            // the same network is not loaded twice
            LoraActivator.Result again = act.activate(acts);
            assertSame(r.networks().getFirst().network(), again.networks().getFirst().network());
            LoraActivator.Result none = act.activate(List.of());
            assertSame(base, none.overlay());
        }
    }

    @Test
    void addnetHashAndMetadataPrecedence() throws IOException {
        assertEquals("0b6107782408", LoraHash.shortHash(Fixtures.file("lora/tiny-sd15.lora.safetensors"), Map.of()));
        assertEquals("abcdef012345", LoraHash.shortHash(Fixtures.file("lora/tiny-sd15.lora.safetensors"),
                Map.of("sshs_model_hash", "abcdef0123456789")));
    }
}
