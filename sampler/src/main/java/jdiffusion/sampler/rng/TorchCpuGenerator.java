package jdiffusion.sampler.rng;

/**
 * {@code torch.Generator('cpu').manual_seed(seed)} followed by {@code torch.randn(shape, generator=g)}
 * calls, bit for bit (float32 results).
 *
 * <p>PyTorch has two sampling paths (native/cpu/DistributionTemplates.h {@code normal_kernel}):
 * <ul>
 *   <li>n &ge; 16 ({@code normal_fill}): n float uniforms from the low 24 bits of n MT outputs, Box–Muller
 *   on blocks of 16 (pairs j, j+8), and when n is not a multiple of 16 the last 16 slots are refilled
 *   with fresh uniforms and transformed again; see {@link CpuNormalKernel} for the two arithmetic
 *   variants;</li>
 *   <li>n &lt; 16: per element {@code at::normal_distribution<double>}: double uniforms from 53 bits of
 *   two MT outputs, Box–Muller in double whose sine half is cached in the generator for the next
 *   element (also across calls), rounded to float.</li>
 * </ul>
 * Transcendental functions of the double path use {@link StrictMath} (fdlibm): its results differ from
 * glibc's by at most a double ulp, which the final rounding to float hides.
 */
public final class TorchCpuGenerator implements NoiseGenerator {
    private static final float TWO_POW_M24 = 0x1p-24f;
    private static final double TWO_POW_M53 = 0x1p-53;

    private final Mt19937 engine;
    private final CpuNormalKernel kernel;
    private boolean hasCachedNormal;
    private double cachedNormal;

    public TorchCpuGenerator(long seed, CpuNormalKernel kernel) {
        this.engine = new Mt19937(seed);
        this.kernel = java.util.Objects.requireNonNull(kernel, "kernel");
    }

    /** A generator with the AVX2 kernel (the one the project's fixtures were produced with). */
    public TorchCpuGenerator(long seed) {
        this(seed, CpuNormalKernel.AVX2);
    }

    @Override
    public float[] randn(int... shape) {
        int n = NoiseGenerator.sizeOf(shape);
        float[] d = new float[n];
        if (n >= 16) {
            normalFill(d);
        } else {
            for (int i = 0; i < n; i++) {
                d[i] = (float) nextDoubleNormal();
            }
        }
        return d;
    }

    /** One float32 uniform in [0, 1): the low 24 bits of one MT output. */
    float nextFloatUniform() {
        return (engine.nextInt() & 0xFFFFFF) * TWO_POW_M24;
    }

    /** One double uniform in [0, 1): the low 53 bits of (first output &lt;&lt; 32 | second output). */
    double nextDoubleUniform() {
        long hi = Integer.toUnsignedLong(engine.nextInt());
        long lo = Integer.toUnsignedLong(engine.nextInt());
        long bits = ((hi << 32) | lo) & ((1L << 53) - 1);
        return bits * TWO_POW_M53;
    }

    private double nextDoubleNormal() {
        if (hasCachedNormal) {
            hasCachedNormal = false;
            return cachedNormal;
        }
        double u1 = nextDoubleUniform();
        double u2 = nextDoubleUniform();
        double r = StrictMath.sqrt(-2.0 * StrictMath.log(1.0 - u2));
        double theta = 2.0 * Math.PI * u1;
        cachedNormal = r * StrictMath.sin(theta);
        hasCachedNormal = true;
        return r * StrictMath.cos(theta);
    }

    private void normalFill(float[] d) {
        int n = d.length;
        for (int i = 0; i < n; i++) {
            d[i] = nextFloatUniform();
        }
        for (int i = 0; i < n - 15; i += 16) {
            fill16(d, i);
        }
        if (n % 16 != 0) {
            // PyTorch redoes the last 16 slots on fresh uniforms (overwriting transformed values).
            for (int k = n - 16; k < n; k++) {
                d[k] = nextFloatUniform();
            }
            fill16(d, n - 16);
        }
    }

    private void fill16(float[] d, int o) {
        if (kernel == CpuNormalKernel.AVX2) {
            Avx2BoxMullerVector.fill16(d, o);
        } else {
            scalarFill16(d, o);
        }
    }

    /** {@code normal_fill_16}: float32 arithmetic around libm's logf/cosf/sinf. */
    private static void scalarFill16(float[] d, int o) {
        for (int j = 0; j < 8; j++) {
            float u1 = 1f - d[o + j];
            float u2 = d[o + j + 8];
            float radius = (float) Math.sqrt(-2f * (float) StrictMath.log(u1));
            float theta = (float) (2.0 * Math.PI * u2);
            d[o + j] = radius * (float) StrictMath.cos(theta);
            d[o + j + 8] = radius * (float) StrictMath.sin(theta);
        }
    }
}
