package jdiffusion.loaders.config;

/** What the UNet predicts; not visible in the weights (v-prediction needs a sidecar or an override). */
public enum Prediction {
    EPSILON,
    V_PREDICTION
}
