package jdiffusion.loaders.detect;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdiffusion.loaders.ModelFormatException;
import jdiffusion.loaders.config.Prediction;

/**
 * What the weights cannot tell: v-prediction and the VAE scale. Sources, strongest first: an
 * explicit override; the webui's sidecar {@code <checkpoint>.yaml} ({@code parameterization: "v"},
 * {@code scale_factor: 0.13025}); metadata (a diffusers scheduler's {@code prediction_type},
 * {@code modelspec.prediction_type}, kohya's {@code ss_v_parameterization}); a {@code v_pred}
 * marker tensor (ComfyUI's convention). Otherwise epsilon.
 *
 * @param prediction   the prediction type, when some source says
 * @param predictionBy which source decided it
 * @param vaeScale     the latent scale, when the sidecar gives one
 */
public record Hints(Optional<Prediction> prediction, String predictionBy, Optional<Float> vaeScale) {
    private static final Pattern PARAMETERIZATION = Pattern.compile("(?m)^\\s*parameterization\\s*:\\s*[\"']?([A-Za-z0-9_-]+)[\"']?\\s*(#.*)?$");
    private static final Pattern SCALE = Pattern.compile("(?m)^\\s*scale_factor\\s*:\\s*([0-9.eE+-]+)\\s*(#.*)?$");
    /** Largest sidecar read. */
    static final long MAX_YAML_BYTES = 1 << 20;

    public static Hints none() {
        return new Hints(Optional.empty(), "", Optional.empty());
    }

    /** The sidecar of a checkpoint file: same path with the extension replaced by {@code .yaml}. */
    public static Path sidecarOf(Path checkpoint) {
        String n = checkpoint.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return checkpoint.resolveSibling((dot > 0 ? n.substring(0, dot) : n) + ".yaml");
    }

    /** Combines the sources (any may be absent). */
    public static Hints gather(Optional<Prediction> override, Path sidecar, Map<String, String> metadata,
                               boolean hasVPredKey) throws IOException {
        Optional<Float> scale = Optional.empty();
        Optional<Prediction> yaml = Optional.empty();
        if (sidecar != null && Files.isRegularFile(sidecar)) {
            if (Files.size(sidecar) > MAX_YAML_BYTES) {
                throw new ModelFormatException(sidecar + ": larger than " + MAX_YAML_BYTES + " bytes, not a model config");
            }
            String text = Files.readString(sidecar, StandardCharsets.UTF_8);
            Matcher m = PARAMETERIZATION.matcher(text);
            if (m.find()) {
                yaml = Optional.of(parse(m.group(1), sidecar + " parameterization"));
            }
            Matcher s = SCALE.matcher(text);
            if (s.find()) {
                try {
                    scale = Optional.of(Float.parseFloat(s.group(1)));
                } catch (NumberFormatException e) {
                    throw new ModelFormatException(sidecar + ": scale_factor '" + s.group(1) + "' is not a number");
                }
            }
        }
        if (override.isPresent()) {
            return new Hints(override, "explicit option", scale);
        }
        if (yaml.isPresent()) {
            return new Hints(yaml, "sidecar " + sidecar.getFileName(), scale);
        }
        for (String key : new String[] {"diffusers.scheduler.prediction_type", "modelspec.prediction_type"}) {
            String v = metadata.get(key);
            if (v != null) {
                return new Hints(Optional.of(parse(v, "metadata " + key)), "metadata " + key, scale);
            }
        }
        String kohya = metadata.get("ss_v_parameterization");
        if (kohya != null && kohya.strip().equalsIgnoreCase("true")) {
            return new Hints(Optional.of(Prediction.V_PREDICTION), "metadata ss_v_parameterization", scale);
        }
        if (hasVPredKey) {
            return new Hints(Optional.of(Prediction.V_PREDICTION), "v_pred marker tensor", scale);
        }
        return new Hints(Optional.empty(), "", scale);
    }

    static Prediction parse(String value, String where) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "v", "v_prediction", "v-prediction" -> Prediction.V_PREDICTION;
            case "eps", "epsilon" -> Prediction.EPSILON;
            default -> throw new ModelFormatException(where + ": prediction type '" + jdiffusion.loaders.Printable.of(value)
                    + "' is not supported (epsilon or v)");
        };
    }
}
