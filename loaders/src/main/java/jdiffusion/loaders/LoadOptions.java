package jdiffusion.loaders;

import java.util.Optional;
import jdiffusion.loaders.config.Prediction;

/**
 * Choices a caller can impose on loading.
 *
 * @param prediction forces epsilon or v-prediction (otherwise: sidecar .yaml, metadata, default epsilon)
 */
public record LoadOptions(Optional<Prediction> prediction) {
    public static LoadOptions defaults() {
        return new LoadOptions(Optional.empty());
    }

    public LoadOptions withPrediction(Prediction p) {
        return new LoadOptions(Optional.of(p));
    }
}
