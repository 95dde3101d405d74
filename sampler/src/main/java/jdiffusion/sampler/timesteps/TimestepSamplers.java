package jdiffusion.sampler.timesteps;

import java.util.List;
import java.util.function.Supplier;

/**
 * The webui's timestep samplers ({@code samplers_timesteps}, v1.10.1) that this runtime implements:
 * DDIM (alias {@code ddim}), DDIM CFG++ ({@code ddim_cfgpp}), PLMS ({@code plms}), UniPC ({@code unipc},
 * with the webui's default UniPC options). They take {@link Timesteps#webui}; DDIM takes the option
 * "Eta DDIM" (default 0) as its eta.
 */
public final class TimestepSamplers {

    /** A registry entry. */
    public record Info(String name, List<String> aliases, boolean usesEta, Supplier<TimestepSampler> factory) {
        public TimestepSampler create() {
            return factory.get();
        }
    }

    private static final List<Info> ALL = List.of(
            new Info("DDIM", List.of("ddim"), true, () -> new Ddim(false)),
            new Info("DDIM CFG++", List.of("ddim_cfgpp"), true, () -> new Ddim(true)),
            new Info("PLMS", List.of("plms"), false, Plms::new),
            new Info("UniPC", List.of("unipc"), false, UniPc::new));

    private TimestepSamplers() {
    }

    public static List<Info> all() {
        return ALL;
    }

    public static Info byName(String name) {
        String n = name.trim();
        for (Info i : ALL) {
            if (i.name().equalsIgnoreCase(n) || i.aliases().stream().anyMatch(a -> a.equalsIgnoreCase(n))) {
                return i;
            }
        }
        throw new IllegalArgumentException("unknown timestep sampler '" + name + "' (known: DDIM, DDIM CFG++, PLMS, UniPC)");
    }
}
