package jdiffusion.sampler.rng;

/**
 * Which of PyTorch's two CPU Box–Muller kernels {@code torch.randn} reproduces for float32 tensors of
 * 16 or more elements ({@code aten/src/ATen/native/cpu/DistributionTemplates.h}). PyTorch picks one at
 * run time from the CPU: x86-64 wheels run the AVX2 kernel on AVX2-only CPUs and the scalar kernel on
 * AVX-512 CPUs (or with {@code ATEN_CPU_CAPABILITY=default}); about a third of the values differ in
 * the last bit between the two.
 */
public enum CpuNormalKernel {
    /**
     * {@code normal_fill_16_AVX2}: float32 Cephes polynomials ({@code avx_mathfun.h}) with the FMA
     * contractions GCC makes; reproduced bit for bit (this is what the project's fixtures hold).
     */
    AVX2,
    /**
     * {@code normal_fill_16}: float32 {@code logf/cosf/sinf} of the C library. Java has no glibc
     * {@code logf}; we evaluate the functions in double with {@link StrictMath} and round, which
     * matches glibc except for about 1% of values that differ by one ulp.
     */
    SCALAR
}
