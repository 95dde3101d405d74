package jdiffusion.loaders;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import jdiffusion.loaders.config.ModelConfig;
import jdiffusion.loaders.convert.ClipTextNames;
import jdiffusion.loaders.convert.DiffusersUNet;
import jdiffusion.loaders.convert.DiffusersVae;
import jdiffusion.loaders.convert.LdmKeyFixes;
import jdiffusion.loaders.convert.ViewSource;
import jdiffusion.loaders.detect.EsrganDetector;
import jdiffusion.loaders.detect.Hints;
import jdiffusion.loaders.detect.SdDetector;
import jdiffusion.loaders.diffusers.DiffusersFolder;

/**
 * The one entry point for model files: {@code .safetensors}, PyTorch pickles ({@code .ckpt},
 * {@code .pt}, {@code .pth}, {@code .bin}; read without executing them), diffusers folders and
 * single diffusers component files. It recognises what the file holds — a Stable Diffusion
 * checkpoint (SD1, SD2, SDXL base/refiner, inpainting; possibly partial), a standalone VAE or an
 * ESRGAN-family upscaler — maps its weights onto the internal naming and derives the configuration
 * from names and shapes.
 */
public final class ModelLoader {
    private ModelLoader() {
    }

    public static LoadedModel open(Path path) throws IOException {
        return open(path, LoadOptions.defaults());
    }

    /**
     * Opens and recognises a model. A missing file is an {@link IOException}; a malformed,
     * unsafe or unrecognised one a {@link ModelFormatException} naming it and what was found.
     */
    public static LoadedModel open(Path path, LoadOptions options) throws IOException {
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            return open(path, options, resources);
        } catch (IOException | RuntimeException e) {
            for (AutoCloseable r : resources) {
                try {
                    r.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    private static LoadedModel open(Path path, LoadOptions options, List<AutoCloseable> resources) throws IOException {
        if (!Files.exists(path)) {
            throw new java.nio.file.NoSuchFileException(path.toString(), null, "no such file or folder");
        }
        if (Files.isDirectory(path)) {
            if (DiffusersFolder.isPipelineFolder(path)) {
                DiffusersFolder.Opened f = DiffusersFolder.open(path);
                resources.addAll(f.resources());
                Hints hints = Hints.gather(options.prediction(), null, f.metadata(), false);
                return stableDiffusion(path, WeightFiles.Format.DIFFUSERS_FOLDER, f.tensors(), f.metadata(), hints, resources);
            }
            TensorSource component = DiffusersFolder.openComponent(path, resources);
            return classify(path, WeightFiles.Format.DIFFUSERS_FOLDER, component, Map.of(), options, resources);
        }
        WeightFiles.Opened raw = WeightFiles.open(path);
        resources.add(raw);
        return classify(path, raw.format(), raw.tensors(), raw.metadata(), options, resources);
    }

    private static LoadedModel classify(Path path, WeightFiles.Format format, TensorSource raw, Map<String, String> metadata,
                                        LoadOptions options, List<AutoCloseable> resources) throws IOException {
        Set<String> names = raw.names();
        Path sidecar = Files.isDirectory(path) ? null : Hints.sidecarOf(path);
        boolean ldm = false;
        for (String n : names) {
            if (n.startsWith(ModelConfig.UNET_PREFIX)) {
                ldm = true;
                break;
            }
        }
        if (ldm) {
            TensorSource internal = LdmKeyFixes.apply(raw);
            Hints hints = Hints.gather(options.prediction(), sidecar, metadata, names.contains("v_pred"));
            return stableDiffusion(path, format, internal, metadata, hints, resources);
        }
        if (DiffusersUNet.matches(names) || names.contains("unet.conv_in.weight")) {
            TensorSource internal = diffusersComponents(raw);
            Hints hints = Hints.gather(options.prediction(), sidecar, metadata, false);
            return stableDiffusion(path, format, internal, metadata, hints, resources);
        }
        TensorSource vae = standaloneVae(raw);
        if (vae != null) {
            Hints hints = Hints.gather(options.prediction(), sidecar, metadata, false);
            var config = SdDetector.standaloneVae(vae, hints.vaeScale());
            return new LoadedModel(path, format, new LoadedModel.Vae(config), vae, metadata,
                    hints.vaeScale().isPresent() ? List.of("scale factor from " + sidecar.getFileName())
                            : List.of("scale factor " + config.scalingFactor() + " assumed (SD1/SD2; SDXL VAEs use 0.13025)"),
                    resources);
        }
        if (EsrganDetector.matches(names)) {
            EsrganDetector.Result r = EsrganDetector.detect(raw);
            return new LoadedModel(path, format, new LoadedModel.Esrgan(r.config()), r.weights(), metadata,
                    List.of("weights named as in the " + r.config().sourceLayout() + " layout"), resources);
        }
        throw new ModelFormatException(path + ": not a recognised model (no Stable Diffusion UNet, VAE or ESRGAN "
                + "weights); found " + describe(names));
    }

    private static LoadedModel stableDiffusion(Path path, WeightFiles.Format format, TensorSource internal,
                                               Map<String, String> metadata, Hints hints, List<AutoCloseable> resources) {
        SdDetector.Result r = SdDetector.detect(internal, hints);
        return new LoadedModel(path, format, new LoadedModel.StableDiffusion(r.config(), r.missing()), internal, metadata,
                r.notes(), resources);
    }

    /** Diffusers component state dicts in one file: bare UNet names, or {@code unet.}/{@code vae.}/{@code text_encoder*.} prefixes. */
    private static TensorSource diffusersComponents(TensorSource raw) {
        ViewSource.Builder out = ViewSource.builder(raw.description());
        if (DiffusersUNet.matches(raw.names())) {
            DiffusersUNet.map(raw, ModelConfig.UNET_PREFIX, out);
            return out.build();
        }
        DiffusersUNet.map(raw.scoped("unet."), ModelConfig.UNET_PREFIX, out);
        TensorSource vae = raw.scoped("vae.");
        if (!vae.names().isEmpty()) {
            DiffusersVae.map(vae, ModelConfig.VAE_PREFIX, out);
        }
        TensorSource te = raw.scoped("text_encoder.");
        TensorSource te2 = raw.scoped("text_encoder_2.");
        if (!te.names().isEmpty() && !te2.names().isEmpty()) {
            ClipTextNames.mapHf(te, "conditioner.embedders.0.transformer.", out);
            ClipTextNames.mapOpenClip(te2, "conditioner.embedders.1.model.", out);
        } else if (!te2.names().isEmpty()) {
            ClipTextNames.mapOpenClip(te2, "conditioner.embedders.0.model.", out);
        } else if (!te.names().isEmpty()) {
            String tok = "text_model.embeddings.token_embedding.weight";
            boolean openClip = te.contains(tok) && te.tensor(tok).rank() == 2 && te.tensor(tok).dim(1) == 1024;
            if (openClip) {
                ClipTextNames.mapOpenClip(te, "cond_stage_model.model.", out);
            } else {
                ClipTextNames.mapHf(te, "cond_stage_model.transformer.", out);
            }
        }
        for (String k : raw.names()) {
            if (!(k.startsWith("unet.") || k.startsWith("vae.") || k.startsWith("text_encoder.") || k.startsWith("text_encoder_2."))) {
                throw new ModelFormatException(raw.description() + ": tensor '" + Printable.of(k)
                        + "' is outside the unet./vae./text_encoder./text_encoder_2. components");
            }
        }
        return out.build();
    }

    /** A VAE on its own (LDM names with or without {@code first_stage_model.}, or diffusers names), as internal names; else null. */
    private static TensorSource standaloneVae(TensorSource raw) {
        Set<String> names = raw.names();
        String p = ModelConfig.VAE_PREFIX;
        if (names.contains(p + "encoder.conv_in.weight") || names.contains(p + "decoder.conv_in.weight")) {
            return raw;
        }
        if ((names.contains("encoder.conv_in.weight") || names.contains("decoder.conv_in.weight"))
                && (names.stream().anyMatch(n -> n.startsWith("encoder.down.") || n.startsWith("decoder.up.")))) {
            return ViewSource.builder(raw.description()).addAll(p, raw).build();
        }
        if (DiffusersVae.matches(names)) {
            ViewSource.Builder out = ViewSource.builder(raw.description());
            DiffusersVae.map(raw, p, out);
            return out.build();
        }
        if (ClipTextNames.matches(names)) {
            throw new ModelFormatException(raw.description() + ": a CLIP text encoder on its own, not a model this loader runs");
        }
        return null;
    }

    /** The top-level name groups of an unrecognised file, with counts (first 12). */
    static String describe(Set<String> names) {
        Map<String, Integer> groups = new TreeMap<>();
        for (String n : names) {
            String[] parts = n.split("\\.", 3);
            String g = parts.length >= 3 ? parts[0] + "." + parts[1] + ".*" : n;
            groups.merge(Printable.of(g), 1, Integer::sum);
        }
        StringBuilder sb = new StringBuilder(names.size() + " tensors");
        int shown = 0;
        for (var e : groups.entrySet()) {
            if (shown++ == 12) {
                sb.append(", ... (").append(groups.size() - 12).append(" more groups)");
                break;
            }
            sb.append(shown == 1 ? ": " : ", ").append(e.getKey()).append(" (").append(e.getValue()).append(')');
        }
        return sb.toString();
    }
}
