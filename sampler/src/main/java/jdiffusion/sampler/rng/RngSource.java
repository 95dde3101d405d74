package jdiffusion.sampler.rng;

/**
 * The webui option "Random number generator source" ({@code randn_source}; infotext key {@code RNG},
 * absent = GPU).
 */
public enum RngSource {
    /**
     * CUDA {@code torch.randn}. There is no CUDA here: this uses the NV emulation, which equals CUDA's
     * Philox stream up to CUDA's float32 Box–Muller rounding (last-bit differences) and only while a
     * draw has no more elements than the GPU launches threads (always for SD1 latents).
     */
    GPU("GPU"),
    /** {@code torch.randn} on a CPU {@code torch.Generator} (MT19937); see {@link CpuNormalKernel}. */
    CPU("CPU"),
    /** The webui's numpy Philox emulation of CUDA ({@code rng_philox.py}). */
    NV("NV");

    private final String label;

    RngSource(String label) {
        this.label = label;
    }

    /** The name as the webui writes it in the infotext. */
    public String label() {
        return label;
    }

    /** Generators of this source; {@code cpuKernel} chooses the CPU Box–Muller variant. */
    public GeneratorFactory factory(CpuNormalKernel cpuKernel) {
        return switch (this) {
            case CPU -> seed -> new TorchCpuGenerator(seed, cpuKernel);
            case GPU, NV -> PhiloxGenerator::new;
        };
    }

    /** Generators of this source, with the AVX2 CPU kernel. */
    public GeneratorFactory factory() {
        return factory(CpuNormalKernel.AVX2);
    }

    /** Parses a webui label ("GPU", "CPU", "NV"; case-insensitive). */
    public static RngSource fromLabel(String label) {
        for (RngSource s : values()) {
            if (s.label.equalsIgnoreCase(label.trim())) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown RNG source '" + label + "' (expected GPU, CPU or NV)");
    }
}
