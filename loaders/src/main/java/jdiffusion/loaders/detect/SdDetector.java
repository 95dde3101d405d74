package jdiffusion.loaders.detect;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import jdiffusion.loaders.ModelFormatException;
import jdiffusion.loaders.TensorSource;
import jdiffusion.loaders.config.Architecture;
import jdiffusion.loaders.config.ModelConfig;
import jdiffusion.loaders.config.Prediction;
import jdiffusion.loaders.config.TextEncoderConfig;
import jdiffusion.loaders.config.UNetConfig;
import jdiffusion.loaders.config.VaeConfig;

/**
 * Tells the Stable Diffusion family and its full configuration from tensor names and shapes
 * alone, as the webui's {@code sd_models_config.py} and ComfyUI's {@code model_detection.py} do. The
 * text encoders' naming decides the family (HF CLIP only → SD1, OpenCLIP under
 * {@code cond_stage_model.model} → SD2, both under {@code conditioner.embedders} → SDXL, OpenCLIP
 * alone there → SDXL refiner); without text encoders the UNet's context width and
 * {@code label_emb} decide. SD1 uses 8 heads everywhere, the others 64-channel heads.
 */
public final class SdDetector {
    private static final String UNET = ModelConfig.UNET_PREFIX;

    private SdDetector() {
    }

    /** Parts of a checkpoint that may be absent. */
    public enum Component {
        VAE,
        TEXT_ENCODERS
    }

    /**
     * @param config  the full configuration (standard configs stand in for missing parts)
     * @param missing parts the file does not contain
     * @param notes   how undecidable things were decided (prediction source, defaults)
     */
    public record Result(ModelConfig config, Set<Component> missing, List<String> notes) {
    }

    /**
     * The configuration of a VAE on its own (weights under {@code first_stage_model.}); its scale is
     * the sidecar's or the SD1/SD2 one, since a VAE file does not say which family it serves.
     */
    public static VaeConfig standaloneVae(TensorSource src, java.util.Optional<Float> scale) {
        return VaeDetector.detect(new Keys(src), ModelConfig.VAE_PREFIX, scale.orElse(0.18215f));
    }

    /** True when the (internal-named) source holds an LDM UNet. */
    public static boolean hasUNet(TensorSource s) {
        return s.contains(UNET + "input_blocks.0.0.weight");
    }

    public static Result detect(TensorSource src, Hints hints) {
        Keys k = new Keys(src);
        if (!k.has(UNET + "input_blocks.0.0.weight")) {
            throw new ModelFormatException(src.description() + ": no UNet ('" + UNET + "input_blocks.0.0.weight' missing)");
        }
        Set<Component> missing = EnumSet.noneOf(Component.class);
        List<String> notes = new ArrayList<>();
        boolean adm = k.has(UNET + "label_emb.0.0.weight");
        Architecture arch = family(k, adm, notes);
        if (adm != (arch == Architecture.SDXL || arch == Architecture.SDXL_REFINER)) {
            throw new ModelFormatException(src.description() + ": " + arch + " text encoders "
                    + (adm ? "with" : "without") + " a label_emb vector input in the UNet (SD 2.x unCLIP and other "
                    + "vector-conditioned variants are not supported)");
        }
        UNetDetector.Heads heads = arch == Architecture.SD1 ? new UNetDetector.Heads(8, -1) : new UNetDetector.Heads(-1, 64);
        UNetConfig unet = UNetDetector.detect(k, UNET, heads);

        float scale = hints.vaeScale().orElse(StandardConfigs.vaeScale(arch));
        VaeConfig vae;
        if (VaeDetector.present(k, ModelConfig.VAE_PREFIX)) {
            vae = VaeDetector.detect(k, ModelConfig.VAE_PREFIX, scale);
        } else {
            vae = StandardConfigs.vae(arch, scale);
            missing.add(Component.VAE);
        }
        List<TextEncoderConfig> text = textEncoders(k, arch);
        if (text.isEmpty()) {
            text = StandardConfigs.textEncoders(arch);
            missing.add(Component.TEXT_ENCODERS);
        } else {
            int width = arch == Architecture.SDXL ? text.get(0).width() + text.get(1).width() : text.getFirst().width();
            if (width != unet.contextDim()) {
                throw new ModelFormatException(src.description() + ": the UNet's context width " + unet.contextDim()
                        + " does not match the text encoders' output width " + width);
            }
        }
        Prediction prediction = hints.prediction().orElse(Prediction.EPSILON);
        if (hints.prediction().isPresent()) {
            notes.add("prediction " + prediction + " from " + hints.predictionBy());
        } else {
            notes.add("prediction EPSILON by default (not visible in the weights"
                    + (arch == Architecture.SD2 ? "; SD 2.x 768-v models need a sidecar .yaml with parameterization: \"v\" or an override" : "")
                    + ")");
        }
        return new Result(new ModelConfig(arch, prediction, unet, vae, text, 1), missing, notes);
    }

    private static Architecture family(Keys k, boolean adm, List<String> notes) {
        boolean clipL1 = k.hasPrefix(StandardConfigs.SD1_TEXT);
        boolean openClip2 = k.hasPrefix(StandardConfigs.SD2_TEXT);
        boolean xl1 = k.hasPrefix(StandardConfigs.SDXL_TEXT_1);
        boolean xl2 = k.hasPrefix(StandardConfigs.SDXL_TEXT_2);
        boolean refiner = k.hasPrefix(StandardConfigs.REFINER_TEXT);
        if (xl1 != xl2) {
            throw new ModelFormatException(k.where() + ": SDXL checkpoint has only one of its two text encoders ("
                    + (xl1 ? StandardConfigs.SDXL_TEXT_1 : StandardConfigs.SDXL_TEXT_2) + "*)");
        }
        int found = (clipL1 ? 1 : 0) + (openClip2 ? 1 : 0) + (xl1 ? 1 : 0) + (refiner ? 1 : 0);
        if (found > 1) {
            throw new ModelFormatException(k.where() + ": text encoders of several families in one file");
        }
        if (xl1) {
            return Architecture.SDXL;
        }
        if (refiner) {
            return Architecture.SDXL_REFINER;
        }
        if (openClip2) {
            return Architecture.SD2;
        }
        if (clipL1) {
            return Architecture.SD1;
        }
        // No text encoder: the UNet's cross-attention width and vector input decide.
        String toK = null;
        for (String n : k.withPrefix(UNET)) {
            if (n.endsWith(".attn2.to_k.weight")) {
                toK = n;
                break;
            }
        }
        int context = toK == null ? -1 : k.dim(toK, 2, 1);
        Architecture a = switch (context) {
            case 768 -> adm ? null : Architecture.SD1;
            case 1024 -> adm ? null : Architecture.SD2;
            case 2048 -> adm ? Architecture.SDXL : null;
            case 1280 -> adm ? Architecture.SDXL_REFINER : null;
            default -> null;
        };
        if (a == null) {
            throw new ModelFormatException(k.where() + ": UNet without text encoders, context width " + context
                    + (adm ? " with" : " without") + " label_emb: not a known Stable Diffusion family");
        }
        notes.add("family " + a + " inferred from the UNet alone (context width " + context + ")");
        return a;
    }

    private static List<TextEncoderConfig> textEncoders(Keys k, Architecture arch) {
        return switch (arch) {
            case SD1 -> k.hasPrefix(StandardConfigs.SD1_TEXT) ? List.of(TextEncoderDetector.hf(k, StandardConfigs.SD1_TEXT)) : List.of();
            case SD2 -> k.hasPrefix(StandardConfigs.SD2_TEXT) ? List.of(TextEncoderDetector.openClip(k, StandardConfigs.SD2_TEXT, false)) : List.of();
            case SDXL -> k.hasPrefix(StandardConfigs.SDXL_TEXT_1)
                    ? List.of(TextEncoderDetector.hf(k, StandardConfigs.SDXL_TEXT_1), TextEncoderDetector.openClip(k, StandardConfigs.SDXL_TEXT_2, true))
                    : List.of();
            case SDXL_REFINER -> k.hasPrefix(StandardConfigs.REFINER_TEXT)
                    ? List.of(TextEncoderDetector.openClip(k, StandardConfigs.REFINER_TEXT, true)) : List.of();
        };
    }
}
