package jdiffusion.sampler.rng;

/**
 * A seeded stream of standard normal float32 values, drawn one tensor at a time: the Java side of
 * a {@code torch.Generator} (or the webui's NV generator). Every call continues the stream, so the
 * k-th call of a generator seeded with s is the k-th tensor PyTorch would return.
 */
public interface NoiseGenerator {

    /** The next draw: product(shape) normals in C order (a zero-size shape draws nothing). */
    float[] randn(int... shape);

    /** Elements of a shape, with a clear error for negative or overflowing dimensions. */
    static int sizeOf(int... shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension " + d + " in noise shape "
                        + java.util.Arrays.toString(shape));
            }
            n *= d;
            if (n > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("noise shape " + java.util.Arrays.toString(shape)
                        + " exceeds 2^31 elements");
            }
        }
        return (int) n;
    }
}
