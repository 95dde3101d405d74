package jdiffusion.nn.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import jdiffusion.loaders.config.ModelConfig;
import jdiffusion.loaders.safetensors.SafetensorsFile;
import jdiffusion.nn.Golden;
import jdiffusion.nn.KnownConfigs;
import jdiffusion.nn.clip.ClipTextModel;
import jdiffusion.nn.clip.ClipTextOutput;
import jdiffusion.nn.unet.UNetModel;
import jdiffusion.tensor.Tensor;
import jdiffusion.tensor.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

/**
 * The networks built on the LoRA overlay (multiplier 0.7 for text encoders and UNet) against the
 * PyTorch outputs of the merged models: every text-encoder output and the UNet prediction, at the
 * goldens' {@code tolerance_abs}.
 */
class LoraNetworkParityTest {
    private static final CpuBackend CPU = new CpuBackend();

    @Test
    void tinySd15() throws IOException {
        try (SafetensorsFile base = SafetensorsFile.open(Fixtures.file("models/tiny-sd15.safetensors"));
             Golden g = Golden.open("lora/tiny-sd15.lora_merged.safetensors");
             LoraNetwork net = LoraNetwork.load("tiny", Fixtures.file("lora/tiny-sd15.lora.safetensors"), ModuleIndex.of(base),
                     PickleOpener.unsupported())) {
            LoraOverlay merged = new LoraOverlay(base, CPU, List.of(new LoraOverlay.Active(net, 0.7, 0.7, null)));
            ModelConfig cfg = KnownConfigs.tinySd15();
            ClipTextOutput te = ClipTextModel.fromCheckpoint(CPU, merged, cfg.textEncoders().getFirst()).forward(g.get("input_ids"));
            for (int i = 0; i < te.hiddenStates().size(); i++) {
                g.check("te.hidden_states." + i, te.hiddenStates().get(i));
            }
            g.check("te.last_hidden_state", te.lastHiddenState());
            g.check("te.pooler_output", te.pooled());
            UNetModel unet = UNetModel.fromCheckpoint(CPU, merged, cfg.unet());
            Tensor out = unet.forward(g.get("x").toF32(), g.get("timesteps").toF32(), g.get("context").toF32(), null);
            g.check("unet.out", out);
            // The merge matters: the base UNet gives the golden's "without LoRA" output, far from unet.out.
            Tensor plain = UNetModel.fromCheckpoint(CPU, base, cfg.unet())
                    .forward(g.get("x").toF32(), g.get("timesteps").toF32(), g.get("context").toF32(), null);
            assertTrue(Golden.maxAbsDiff(plain, g.get("unet.out_without_lora")) <= g.tolerance("unet.out"));
            assertTrue(Golden.maxAbsDiff(plain, out) > 100 * g.tolerance("unet.out"));
        }
    }

    @Test
    void tinySdxl() throws IOException {
        try (SafetensorsFile base = SafetensorsFile.open(Fixtures.file("models/tiny-sdxl.safetensors"));
             Golden g = Golden.open("lora/tiny-sdxl.lora_merged.safetensors");
             LoraNetwork net = LoraNetwork.load("tiny", Fixtures.file("lora/tiny-sdxl.lora.safetensors"), ModuleIndex.of(base),
                     PickleOpener.unsupported())) {
            LoraOverlay merged = new LoraOverlay(base, CPU, List.of(new LoraOverlay.Active(net, 0.7, 0.7, null)));
            ModelConfig cfg = KnownConfigs.tinySdxl();
            assertEquals(2, cfg.textEncoders().size());
            for (int e = 0; e < 2; e++) {
                String p = "te" + (e + 1) + ".";
                ClipTextOutput te = ClipTextModel.fromCheckpoint(CPU, merged, cfg.textEncoders().get(e)).forward(g.get(p + "input_ids"));
                for (int i = 0; i < te.hiddenStates().size(); i++) {
                    g.check(p + "hidden_states." + i, te.hiddenStates().get(i));
                }
                g.check(p + "last_hidden_state", te.lastHiddenState());
                g.check(p + "pooler_output", te.pooled());
                if (e == 1) {
                    g.check(p + "text_embeds", te.textEmbeds());
                }
            }
            UNetModel unet = UNetModel.fromCheckpoint(CPU, merged, cfg.unet());
            Tensor out = unet.forward(g.get("x").toF32(), g.get("timesteps").toF32(), g.get("context").toF32(), g.get("y").toF32());
            g.check("unet.out", out);
        }
    }
}
