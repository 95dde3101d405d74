package jdiffusion.nn.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import jdiffusion.loaders.config.Architecture;
import jdiffusion.loaders.safetensors.SafetensorsFile;
import jdiffusion.tensor.Tensor;
import jdiffusion.tensor.cpu.CpuBackend;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The kohya LoRA/LoCon fixtures merged into the tiny checkpoints at multiplier 0.7, against the
 * {@code merged.<checkpoint key>} weights PyTorch computed (float32). The only differences allowed
 * are float32 rounding of the rank-4 products and scalings: 1e-6 × max(1, max|golden|).
 */
class LoraMergeFixtureTest {
    private static final CpuBackend CPU = new CpuBackend();

    @ParameterizedTest
    @ValueSource(strings = {"tiny-sd15", "tiny-sdxl"})
    void mergedWeightsMatchTheGoldens(String model) throws IOException {
        try (SafetensorsFile base = SafetensorsFile.open(Fixtures.file("models/" + model + ".safetensors"));
             SafetensorsFile golden = SafetensorsFile.open(Fixtures.file("lora/" + model + ".lora_merged.safetensors"))) {
            ModuleIndex index = ModuleIndex.of(base);
            try (LoraNetwork net = LoraNetwork.load("tiny", Fixtures.file("lora/" + model + ".lora.safetensors"), index,
                    PickleOpener.unsupported())) {
                assertEquals(List.of(), net.unmatchedKeys());
                assertEquals(Integer.parseInt(golden.metadata().get("n_lora_modules")), net.moduleCount());
                LoraOverlay overlay = new LoraOverlay(base, CPU, List.of(new LoraOverlay.Active(net, 0.7, 0.7, null)));
                assertEquals(List.of(), overlay.warnings());
                int checked = 0;
                for (String k : golden.names()) {
                    if (!k.startsWith("merged.")) {
                        continue;
                    }
                    String key = k.substring("merged.".length());
                    Tensor want = golden.tensor(k).toF32();
                    Tensor got = overlay.tensor(key);
                    assertEquals(want.sameShape(got), true, key);
                    double max = 0;
                    double err = 0;
                    for (int i = 0; i < want.size(); i++) {
                        max = Math.max(max, Math.abs(want.getFlat(i)));
                        err = Math.max(err, Math.abs(want.getFlat(i) - got.getFlat(i)));
                    }
                    double tol = 1e-6 * Math.max(1, max);
                    System.out.printf("%s %s max|err| %.3g (tolerance %.3g)%n", model, key, err, tol);
                    assertTrue(err <= tol, key + ": max error " + err + " > " + tol);
                    // and it really changed the weight
                    assertTrue(maxDiff(base.tensor(key).toF32(), got) > 1e-3, key + " unchanged");
                    checked++;
                }
                assertTrue(checked >= 4, "merged weights checked: " + checked);
            }
        }
    }

    private static double maxDiff(Tensor a, Tensor b) {
        double d = 0;
        for (int i = 0; i < a.size(); i++) {
            d = Math.max(d, Math.abs(a.getFlat(i) - b.getFlat(i)));
        }
        return d;
    }

    @Test
    void multiplierZeroIsTheBaseBitForBit() throws IOException {
        try (SafetensorsFile base = SafetensorsFile.open(Fixtures.file("models/tiny-sd15.safetensors"))) {
            ModuleIndex index = ModuleIndex.of(base);
            try (LoraNetwork net = LoraNetwork.load("tiny", Fixtures.file("lora/tiny-sd15.lora.safetensors"), index,
                    PickleOpener.unsupported())) {
                LoraOverlay off = new LoraOverlay(base, CPU, List.of(new LoraOverlay.Active(net, 0, 0, null)));
                assertTrue(off.patchedKeys().isEmpty());
                String q = "model.diffusion_model.input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight";
                assertUntouched(base.tensor(q), off.tensor(q));
                // te only: the UNet stays the base, the text encoder changes
                LoraOverlay te = new LoraOverlay(base, CPU, List.of(new LoraOverlay.Active(net, 0.7, 0, null)));
                assertUntouched(base.tensor(q), te.tensor(q));
                String t = "cond_stage_model.transformer.text_model.encoder.layers.0.self_attn.q_proj.weight";
                assertTrue(te.patchedKeys().contains(t));
                assertTrue(te.patchedKeys().stream().noneMatch(k -> k.startsWith("model.diffusion_model.")));
            }
        }
    }

    /** The base's own view (still float16, same mapped bytes), not a converted copy. */
    private static void assertUntouched(Tensor base, Tensor got) {
        assertEquals(base.dtype(), got.dtype());
        assertEquals(base.storageOffset(), got.storageOffset());
        assertEquals(true, base.storage().equals(got.storage()) || base.storage().toString().equals(got.storage().toString()));
        for (int i = 0; i < base.size(); i++) {
            assertEquals(Float.floatToRawIntBits(base.getFlat(i)), Float.floatToRawIntBits(got.getFlat(i)));
        }
    }

    @Test
    void familyEvidenceFromKeysWithoutMetadata() {
        assertEquals(Architecture.SDXL, LoraNetwork.declaredFamily(java.util.Map.of(),
                List.of("lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_q.lora_up.weight")));
        assertEquals(Architecture.SDXL, LoraNetwork.declaredFamily(java.util.Map.of(),
                List.of("lora_te2_text_model_encoder_layers_0_mlp_fc1.alpha")));
        assertEquals(null, LoraNetwork.declaredFamily(java.util.Map.of(),
                List.of("lora_te1_text_model_encoder_layers_0_mlp_fc1.alpha", "lora_unet_down_blocks_0_resnets_0_conv1.alpha")));
        assertEquals(Architecture.SD2, LoraNetwork.declaredFamily(java.util.Map.of("ss_v2", "True"), List.of()));
    }

    @Test
    void anSdxlLoraOnSd15IsAClearError() throws IOException {
        try (SafetensorsFile base = SafetensorsFile.open(Fixtures.file("models/tiny-sd15.safetensors"))) {
            ModuleIndex index = ModuleIndex.of(base);
            assertEquals(Architecture.SD1, index.family());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LoraNetwork.load("xl",
                    Fixtures.file("lora/tiny-sdxl.lora.safetensors"), index, PickleOpener.unsupported()));
            assertTrue(e.getMessage().contains("SDXL") && e.getMessage().contains("SD1"), e.getMessage());
        }
        try (SafetensorsFile base = SafetensorsFile.open(Fixtures.file("models/tiny-sdxl.safetensors"))) {
            ModuleIndex index = ModuleIndex.of(base);
            assertEquals(Architecture.SDXL, index.family());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LoraNetwork.load("sd",
                    Fixtures.file("lora/tiny-sd15.lora.safetensors"), index, PickleOpener.unsupported()));
            assertTrue(e.getMessage().contains("SD1"), e.getMessage());
        }
    }
}
