package jdiffusion.sampler;

/**
 * Scalar float32 arithmetic as PyTorch's CPU kernels do it, for schedules and the samplers' scalar
 * coefficients (0-dim float32 tensors in k-diffusion).
 *
 * <p>exp, log, expm1 and pow are {@link SleefF32}'s: the SLEEF u10 functions ATen applies to every
 * element of a float tensor (build without MKL, as the fixtures' PyTorch). A PyTorch built with MKL
 * (official x86 wheels) evaluates exp/log/expm1 of CPU tensors with MKL VML instead, and a CUDA
 * tensor with CUDA's libdevice: each within an ulp of these; {@link #CorrectlyRounded} variants exist
 * for comparisons.
 */
public final class F32 {
    /** Lanes of {@code Vectorized<float>} in the AVX2 build the references ran on. */
    private static final int FLOAT_LANES = 8;
    private static final int DOUBLE_LANES = 4;

    private F32() {
    }

    public static float exp(float x) {
        return SleefF32.exp(x);
    }

    public static float log(float x) {
        return SleefF32.log(x);
    }

    public static float expm1(float x) {
        return SleefF32.expm1(x);
    }

    /** Correctly rounded (float sqrt of a float is exact through double). */
    public static float sqrt(float x) {
        return (float) Math.sqrt(x);
    }

    public static float pow(float x, float y) {
        return SleefF32.pow(x, y);
    }

    /**
     * {@code tensor ** exponent} on a float32 tensor of n elements: ATen's {@code cpu_kernel_vec} runs
     * SLEEF's powf on whole blocks of 16 and the C library's {@code powf} on the remaining tail (glibc's
     * is a double-precision evaluation rounded once, which StrictMath reproduces). Exponents 0.5, 2, 3,
     * −0.5, −1 and −2 have exact special kernels in PyTorch and are not handled here.
     */
    public static float[] powTensor(float[] base, float exponent) {
        float[] out = new float[base.length];
        int vectorised = base.length / (2 * FLOAT_LANES) * (2 * FLOAT_LANES);
        for (int i = 0; i < base.length; i++) {
            out[i] = i < vectorised ? SleefF32.pow(base[i], exponent) : (float) StrictMath.pow(base[i], exponent);
        }
        return out;
    }

    /** exp/log evaluated in double with {@link StrictMath} and rounded once (nearly always the exact rounding). */
    public static final class CorrectlyRounded {
        private CorrectlyRounded() {
        }

        public static float exp(float x) {
            return (float) StrictMath.exp(x);
        }

        public static float log(float x) {
            return (float) StrictMath.log(x);
        }
    }

    /**
     * {@code torch.linspace(start, end, steps)} in float32 on the CPU (PyTorch 1.13–2.x
     * {@code RangeFactoriesKernel.cpp}, AVX2 build): {@code step = (end − start)/(steps − 1)} in float;
     * the first half counts up from start ({@code fma(step, i, start)}: GCC contracts the scalar
     * expression), the second half down from end ({@code fma(−step, steps − 1 − i, end)}, so the last
     * value is exactly end); blocks of 16 elements are written by two 8-lane vectors whose lanes are
     * {@code base + k·step} (not fused) from the block's first value; the rest element by element.
     */
    public static float[] linspace(float start, float end, int steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("linspace steps must be non-negative, got " + steps);
        }
        float[] out = new float[steps];
        if (steps == 0) {
            return out;
        }
        if (steps == 1) {
            out[0] = start;
            return out;
        }
        float step = (end - start) / (float) (steps - 1);
        int halfway = steps / 2;
        int i = 0;
        for (; i <= steps - 2 * FLOAT_LANES; i += 2 * FLOAT_LANES) {
            for (int v = 0; v < 2; v++) {
                int idx = i + v * FLOAT_LANES;
                float base = linspaceAt(start, end, step, steps, halfway, idx);
                out[idx] = base;
                for (int k = 1; k < FLOAT_LANES; k++) {
                    out[idx + k] = base + k * step;
                }
            }
        }
        for (; i < steps; i++) {
            out[i] = linspaceAt(start, end, step, steps, halfway, i);
        }
        return out;
    }

    private static float linspaceAt(float start, float end, float step, int steps, int halfway, int idx) {
        return idx < halfway ? Math.fma(step, (float) idx, start) : Math.fma(-step, (float) (steps - idx - 1), end);
    }

    /** {@code torch.linspace(..., dtype=torch.float64)}: the same kernel with 4-lane double vectors. */
    public static double[] linspace(double start, double end, int steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("linspace steps must be non-negative, got " + steps);
        }
        double[] out = new double[steps];
        if (steps == 0) {
            return out;
        }
        if (steps == 1) {
            out[0] = start;
            return out;
        }
        double step = (end - start) / (steps - 1);
        int halfway = steps / 2;
        int i = 0;
        for (; i <= steps - 2 * DOUBLE_LANES; i += 2 * DOUBLE_LANES) {
            for (int v = 0; v < 2; v++) {
                int idx = i + v * DOUBLE_LANES;
                double base = idx < halfway ? Math.fma(step, idx, start) : Math.fma(-step, steps - idx - 1, end);
                out[idx] = base;
                for (int k = 1; k < DOUBLE_LANES; k++) {
                    out[idx + k] = base + k * step;
                }
            }
        }
        for (; i < steps; i++) {
            out[i] = i < halfway ? Math.fma(step, i, start) : Math.fma(-step, steps - i - 1, end);
        }
        return out;
    }
}
