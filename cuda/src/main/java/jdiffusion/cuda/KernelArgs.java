package jdiffusion.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Packs kernel arguments the way {@code cuLaunchKernel} takes them: an array of pointers, element i
 * pointing at the value of parameter i. Each value gets its own 8-byte-aligned slot, so 4-byte and
 * 8-byte parameters can be mixed freely.
 */
final class KernelArgs {
    private KernelArgs() {
    }

    /**
     * Returns the {@code void**} array for {@code values}, checked against {@code signature} (see
     * {@link Kernel}): {@code p}/{@code l} take a Long, {@code i} an Integer, {@code f} a Float.
     */
    static MemorySegment pack(Arena arena, String kernel, String signature, Object... values) {
        Buffer b = new Buffer(arena, Math.max(1, signature.length()));
        b.write(kernel, signature, values);
        return b.pointers;
    }

    /**
     * Reusable argument memory: {@code capacity} 8-byte slots and the pointer array that points at
     * them (set once). A launch only writes the values; each thread keeps its own buffer.
     */
    static final class Buffer {
        final MemorySegment slots;
        final MemorySegment pointers;
        private final int capacity;

        Buffer(Arena arena, int capacity) {
            this.capacity = capacity;
            this.slots = arena.allocate(8L * capacity, 8);
            this.pointers = arena.allocate(ValueLayout.ADDRESS, capacity);
            for (int i = 0; i < capacity; i++) {
                pointers.setAtIndex(ValueLayout.ADDRESS, i, slots.asSlice(8L * i, 8));
            }
        }

        /** Writes {@code values} checked against {@code signature} (see {@link Kernel}). */
        void write(String kernel, String signature, Object... values) {
            int n = signature.length();
            if (values.length != n) {
                throw new IllegalArgumentException("kernel " + kernel + " takes " + n + " arguments (" + signature
                        + "), got " + values.length);
            }
            if (n > capacity) {
                throw new IllegalArgumentException("kernel " + kernel + " has " + n + " parameters, more than " + capacity);
            }
            for (int i = 0; i < n; i++) {
                char t = signature.charAt(i);
                Object v = values[i];
                long at = 8L * i;
                switch (t) {
                    case 'p', 'l' -> {
                        if (!(v instanceof Long x)) {
                            throw badArg(kernel, i, t, v);
                        }
                        slots.set(ValueLayout.JAVA_LONG, at, x);
                    }
                    case 'i' -> {
                        if (!(v instanceof Integer x)) {
                            throw badArg(kernel, i, t, v);
                        }
                        slots.set(ValueLayout.JAVA_INT, at, x);
                    }
                    case 'f' -> {
                        if (!(v instanceof Float x)) {
                            throw badArg(kernel, i, t, v);
                        }
                        slots.set(ValueLayout.JAVA_FLOAT, at, x);
                    }
                    default -> throw new IllegalArgumentException("kernel " + kernel + ": unknown signature letter '" + t + "'");
                }
            }
        }
    }

    private static IllegalArgumentException badArg(String kernel, int i, char t, Object v) {
        String want = switch (t) {
            case 'p' -> "a device pointer (Long)";
            case 'l' -> "a 64-bit integer (Long)";
            case 'i' -> "a 32-bit integer (Integer)";
            default -> "a float (Float)";
        };
        return new IllegalArgumentException("kernel " + kernel + ": argument " + i + " must be " + want + ", got "
                + (v == null ? "null" : v.getClass().getSimpleName() + " " + v));
    }
}
