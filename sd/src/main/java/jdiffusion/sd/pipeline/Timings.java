package jdiffusion.sd.pipeline;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/** Wall time per {@link Phase}, summed over the job (nanoseconds). */
public final class Timings {
    private final EnumMap<Phase, Long> nanos = new EnumMap<>(Phase.class);

    /** Adds {@code value} nanoseconds to a phase. */
    public void add(Phase phase, long value) {
        nanos.merge(phase, value, Long::sum);
    }

    /** Nanoseconds spent in a phase (0 when it did not run). */
    public long nanos(Phase phase) {
        return nanos.getOrDefault(phase, 0L);
    }

    /** Seconds spent in a phase. */
    public double seconds(Phase phase) {
        return nanos(phase) / 1e9;
    }

    /** The phases that ran, in phase order. */
    public Map<Phase, Long> all() {
        return Collections.unmodifiableMap(new EnumMap<>(nanos));
    }

    /** Sum over all phases, in nanoseconds. */
    public long total() {
        long t = 0;
        for (long v : nanos.values()) {
            t += v;
        }
        return t;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        nanos.forEach((p, v) -> b.append(b.isEmpty() ? "" : ", ").append(p.label()).append(' ')
                .append(String.format(java.util.Locale.ROOT, "%.2fs", v / 1e9)));
        return b.toString();
    }
}
