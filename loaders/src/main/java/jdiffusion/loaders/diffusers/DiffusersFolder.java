package jdiffusion.loaders.diffusers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdiffusion.loaders.ModelFormatException;
import jdiffusion.loaders.TensorSource;
import jdiffusion.loaders.config.ModelConfig;
import jdiffusion.loaders.convert.ClipTextNames;
import jdiffusion.loaders.convert.DiffusersUNet;
import jdiffusion.loaders.convert.DiffusersVae;
import jdiffusion.loaders.convert.ViewSource;

/**
 * A diffusers pipeline folder ({@code model_index.json}, {@code unet/}, {@code vae/},
 * {@code text_encoder/}, {@code text_encoder_2/}, ...) presented under the internal LDM names, so
 * that model code has one naming whatever the layout on disk:
 * <ul>
 *   <li>SD1: {@code text_encoder} (CLIP-L, quick_gelu) → {@code cond_stage_model.transformer.text_model.*}</li>
 *   <li>SD2: {@code text_encoder} (OpenCLIP ViT-H as a transformers model, gelu) → {@code cond_stage_model.model.*}</li>
 *   <li>SDXL: {@code text_encoder} → {@code conditioner.embedders.0.transformer.text_model.*},
 *       {@code text_encoder_2} → {@code conditioner.embedders.1.model.*}</li>
 *   <li>SDXL refiner: {@code text_encoder_2} only → {@code conditioner.embedders.0.model.*}</li>
 * </ul>
 * The scheduler's {@code prediction_type} is returned as metadata (a v-prediction hint).
 */
public final class DiffusersFolder {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Metadata key carrying the scheduler's prediction_type. */
    public static final String PREDICTION_TYPE_KEY = "diffusers.scheduler.prediction_type";

    private DiffusersFolder() {
    }

    /** The folder's tensors under LDM names, its metadata and the files to close. */
    public record Opened(TensorSource tensors, Map<String, String> metadata, List<AutoCloseable> resources) {
    }

    /**
     * The weights of a single component folder (e.g. a VAE saved by diffusers: {@code config.json} +
     * {@code diffusion_pytorch_model.safetensors}), names as stored; opened files go to {@code resources}.
     */
    public static TensorSource openComponent(Path dir, List<AutoCloseable> resources) throws IOException {
        return ComponentWeights.open(dir, resources);
    }

    public static boolean isPipelineFolder(Path dir) {
        return Files.isRegularFile(dir.resolve("model_index.json"));
    }

    public static Opened open(Path dir) throws IOException {
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            return open(dir, resources);
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

    private static Opened open(Path dir, List<AutoCloseable> resources) throws IOException {
        Map<String, String> metadata = new LinkedHashMap<>();
        JsonNode index = readJson(dir.resolve("model_index.json"));
        if (index != null && index.get("_class_name") != null && index.get("_class_name").isTextual()) {
            metadata.put("diffusers._class_name", index.get("_class_name").textValue());
        }
        JsonNode scheduler = readJson(dir.resolve("scheduler").resolve("scheduler_config.json"));
        if (scheduler != null && scheduler.get("prediction_type") != null && scheduler.get("prediction_type").isTextual()) {
            metadata.put(PREDICTION_TYPE_KEY, scheduler.get("prediction_type").textValue());
        }
        ViewSource.Builder out = ViewSource.builder("diffusers folder " + dir);
        Path unet = dir.resolve("unet");
        Path vae = dir.resolve("vae");
        Path te = dir.resolve("text_encoder");
        Path te2 = dir.resolve("text_encoder_2");
        if (!Files.isDirectory(unet)) {
            throw new ModelFormatException(dir + ": diffusers folder has no unet/ (found: " + list(dir) + ")");
        }
        DiffusersUNet.map(ComponentWeights.open(unet, resources), ModelConfig.UNET_PREFIX, out);
        if (Files.isDirectory(vae)) {
            DiffusersVae.map(ComponentWeights.open(vae, resources), ModelConfig.VAE_PREFIX, out);
        }
        boolean hasTe = Files.isDirectory(te);
        boolean hasTe2 = Files.isDirectory(te2);
        if (hasTe && hasTe2) {
            ClipTextNames.mapHf(ComponentWeights.open(te, resources), "conditioner.embedders.0.transformer.", out);
            ClipTextNames.mapOpenClip(ComponentWeights.open(te2, resources), "conditioner.embedders.1.model.", out);
        } else if (hasTe2) {
            ClipTextNames.mapOpenClip(ComponentWeights.open(te2, resources), "conditioner.embedders.0.model.", out);
        } else if (hasTe) {
            TensorSource clip = ComponentWeights.open(te, resources);
            if (isOpenClip(te, clip)) {
                ClipTextNames.mapOpenClip(clip, "cond_stage_model.model.", out);
            } else {
                ClipTextNames.mapHf(clip, "cond_stage_model.transformer.", out);
            }
        }
        return new Opened(out.build(), metadata, resources);
    }

    /**
     * SD2's text encoder is OpenCLIP ViT-H stored as a transformers model: exact GELU and width 1024,
     * where SD1's CLIP-L uses quick_gelu. The config decides; without one, the width does.
     */
    private static boolean isOpenClip(Path dir, TensorSource clip) throws IOException {
        JsonNode cfg = readJson(dir.resolve("config.json"));
        if (cfg != null && cfg.get("hidden_act") != null && cfg.get("hidden_act").isTextual()) {
            return !cfg.get("hidden_act").textValue().equals("quick_gelu");
        }
        String tok = "text_model.embeddings.token_embedding.weight";
        return clip.contains(tok) && clip.tensor(tok).rank() == 2 && clip.tensor(tok).dim(1) == 1024;
    }

    private static JsonNode readJson(Path p) throws IOException {
        if (!Files.isRegularFile(p)) {
            return null;
        }
        if (Files.size(p) > (16 << 20)) {
            throw new ModelFormatException(p + ": larger than 16 MB, not a config file");
        }
        try {
            return JSON.readTree(p.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ModelFormatException(p + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static List<String> list(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().limit(20).toList();
        }
    }
}
