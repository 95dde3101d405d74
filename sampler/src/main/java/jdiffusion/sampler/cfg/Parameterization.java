package jdiffusion.sampler.cfg;

/** What the UNet predicts: noise ε (SD1, SD2-base, SDXL) or velocity v (SD2 768-v). */
public enum Parameterization { EPSILON, V }
