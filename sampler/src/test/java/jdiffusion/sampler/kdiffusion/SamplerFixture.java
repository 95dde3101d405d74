package jdiffusion.sampler.kdiffusion;

import java.util.ArrayList;
import java.util.List;
import jdiffusion.sampler.Fixtures;
import jdiffusion.sampler.NoiseSampler;
import jdiffusion.sampler.NoiseSource;
import jdiffusion.sampler.Ulp;
import jdiffusion.tensor.Tensor;

/**
 * One testdata/samplers/*.safetensors trajectory, with recorded-noise sources and the comparisons the
 * fixture README prescribes: relative max error ≤ tol × max(1, max|x|) per recorded tensor.
 */
final class SamplerFixture implements AutoCloseable {
    final Fixtures f;
    final String file;
    final List<String> failures = new ArrayList<>();
    double worst;

    SamplerFixture(String file) {
        this.file = file;
        this.f = Fixtures.open("samplers/" + file + ".safetensors");
    }

    String meta(String key) {
        String v = f.metadata().get(key);
        if (v == null) {
            throw new IllegalStateException(file + ": no metadata " + key);
        }
        return v;
    }

    int count(String prefix, String suffix) {
        int n = 0;
        while (f.has(prefix + n + suffix)) {
            n++;
        }
        return n;
    }

    /** Records a failure when max|actual − expected| > tol · max(1, max|expected|). */
    void compare(String what, float[] expected, float[] actual, double tol) {
        if (expected.length != actual.length) {
            failures.add(what + ": " + actual.length + " values, expected " + expected.length);
            return;
        }
        double maxAbs = 1;
        double err = 0;
        for (int i = 0; i < expected.length; i++) {
            maxAbs = Math.max(maxAbs, Math.abs(expected[i]));
            err = Math.max(err, Math.abs((double) expected[i] - actual[i]));
        }
        double rel = err / maxAbs;
        worst = Math.max(worst, rel);
        if (!(rel <= tol)) {
            failures.add(String.format("%s: relative error %.3g > %.1g", what, rel, tol));
        }
    }

    void compareSigma(String what, float expected, float actual) {
        if (Ulp.distance(expected, actual) > 1) {
            failures.add(what + ": sigma " + actual + ", expected " + expected);
        }
    }

    /** The recorded {@code rng_draw.j} tensors, in order. */
    NoiseSource recordedRandn() {
        int[] next = {0};
        return () -> {
            String name = "rng_draw." + next[0]++;
            if (!f.has(name)) {
                throw new AssertionError(file + ": sampler drew more noise than recorded (" + name + ")");
            }
            return f.tensor(name);
        };
    }

    int[] rngDrawsUsed = {0};

    /** The recorded noise-sampler outputs; checks the σ arguments of each call. */
    NoiseSampler recordedNoiseSampler() {
        int[] next = {0};
        return (sigma, sigmaNext) -> {
            String p = "noise_sampler." + next[0]++ + ".";
            if (!f.has(p + "noise")) {
                throw new AssertionError(file + ": noise sampler called more often than recorded (" + p + ")");
            }
            compareSigma(p + "sigma", f.scalar(p + "sigma"), sigma);
            compareSigma(p + "sigma_next", f.scalar(p + "sigma_next"), sigmaNext);
            return f.tensor(p + "noise");
        };
    }

    Tensor tensor(String name) {
        return f.tensor(name);
    }

    @Override
    public void close() {
        f.close();
    }
}
