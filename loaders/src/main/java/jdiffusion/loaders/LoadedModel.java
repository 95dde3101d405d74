package jdiffusion.loaders;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdiffusion.loaders.config.EsrganConfig;
import jdiffusion.loaders.config.ModelConfig;
import jdiffusion.loaders.config.Prediction;
import jdiffusion.loaders.config.VaeConfig;
import jdiffusion.loaders.detect.SdDetector;

/**
 * A model file opened by {@link ModelLoader}: what it is, its weights under the internal naming,
 * and its metadata. Tensors are views of memory-mapped files: close the model when done and do not
 * use its tensors afterwards.
 */
public final class LoadedModel implements AutoCloseable {

    /** What a file holds. */
    public sealed interface Kind permits StableDiffusion, Vae, Esrgan {
        /** One line for people ("SDXL (epsilon)", "VAE", "ESRGAN x4"). */
        String summary();
    }

    /**
     * A Stable Diffusion checkpoint (possibly partial).
     *
     * @param missing parts the file lacks; {@code config} then holds the family's standard shapes for them
     */
    public record StableDiffusion(ModelConfig config, Set<SdDetector.Component> missing) implements Kind {
        @Override
        public String summary() {
            String name = switch (config.architecture()) {
                case SD1 -> "Stable Diffusion 1.x";
                case SD2 -> "Stable Diffusion 2.x";
                case SDXL -> "SDXL base";
                case SDXL_REFINER -> "SDXL refiner";
            };
            return name + (config.isInpainting() ? " inpainting" : "") + ", "
                    + (config.prediction() == Prediction.V_PREDICTION ? "v-prediction" : "epsilon prediction")
                    + (missing.isEmpty() ? "" : ", without " + missing);
        }
    }

    /** A standalone VAE (weights under {@code first_stage_model.}). */
    public record Vae(VaeConfig config) implements Kind {
        @Override
        public String summary() {
            return "standalone VAE";
        }
    }

    /** An ESRGAN-family upscaler (weights under the basicsr names, see {@link EsrganConfig}). */
    public record Esrgan(EsrganConfig config) implements Kind {
        @Override
        public String summary() {
            return "ESRGAN-family upscaler (RRDBNet) x" + config.scale();
        }
    }

    private final Path path;
    private final WeightFiles.Format format;
    private final Kind kind;
    private final TensorSource weights;
    private final Map<String, String> metadata;
    private final List<String> notes;
    private final List<AutoCloseable> resources;

    LoadedModel(Path path, WeightFiles.Format format, Kind kind, TensorSource weights, Map<String, String> metadata,
                List<String> notes, List<AutoCloseable> resources) {
        this.path = path;
        this.format = format;
        this.kind = kind;
        this.weights = weights;
        this.metadata = Map.copyOf(metadata);
        this.notes = List.copyOf(notes);
        this.resources = List.copyOf(resources);
    }

    public Path path() {
        return path;
    }

    public WeightFiles.Format format() {
        return format;
    }

    public Kind kind() {
        return kind;
    }

    /** The weights under the internal naming (LDM single-file layout; basicsr names for upscalers). */
    public TensorSource weights() {
        return weights;
    }

    /** File metadata (safetensors {@code __metadata__}, diffusers scheduler hints). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** How undecidable things were decided (prediction source, inferred family). */
    public List<String> notes() {
        return notes;
    }

    /** The Stable Diffusion configuration; a clear error when the file is something else. */
    public ModelConfig config() {
        if (kind instanceof StableDiffusion sd) {
            return sd.config();
        }
        throw new ModelFormatException(path + ": is a " + kind.summary() + ", not a Stable Diffusion checkpoint");
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                if (first == null) {
                    first = new IllegalStateException("closing " + path, e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
