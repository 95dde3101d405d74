package jdiffusion.loaders.pickle;

import java.util.Arrays;
import java.util.List;

/**
 * The Python values the restricted pickle machine builds besides Java's own {@code String},
 * {@code Long}, {@code BigInteger}, {@code Double}, {@code Boolean}, {@code ArrayList} (list) and
 * {@code LinkedHashMap} (dict). Nothing here can run code: a global is only a name.
 */
public final class Py {
    private Py() {
    }

    /** Python's {@code None}. */
    public enum None {
        NONE
    }

    /** An immutable tuple. */
    public record Tuple(List<Object> items) {
        public Tuple {
            items = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(items));
        }

        public int size() {
            return items.size();
        }

        public Object get(int i) {
            return items.get(i);
        }
    }

    /** A {@code bytes} value. */
    public record Bytes(byte[] data) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Bytes b && Arrays.equals(data, b.data);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "bytes[" + data.length + "]";
        }
    }

    /** A reference to an allowed global ({@code module.name}); it is never resolved to code. */
    public record Global(String module, String name) {
        @Override
        public String toString() {
            return module + "." + name;
        }
    }

    /**
     * An inert stand-in for an object of an allowed but uninteresting class (a numpy scalar in a
     * training checkpoint's bookkeeping, {@code torch.device}): its arguments are not interpreted.
     */
    public record Opaque(Global type) {
    }

    /** Most nodes a dict key (nested tuples) may have; bounds hashing. */
    static final int MAX_KEY_NODES = 256;

    /**
     * Checks that {@code key} can be a dict key the way Python would allow (immutable atoms and
     * tuples of them); lists, dicts and tensors are refused, and nested tuples are bounded so that
     * hashing them stays cheap.
     */
    static Object hashable(Object key, String where) {
        int[] budget = {MAX_KEY_NODES};
        if (!isHashable(key, budget)) {
            throw new jdiffusion.loaders.ModelFormatException(where + "unhashable dict key (" + typeName(key) + ")");
        }
        return key;
    }

    private static boolean isHashable(Object v, int[] budget) {
        if (--budget[0] < 0) {
            return false;
        }
        return switch (v) {
            case String s -> true;
            case Long l -> true;
            case java.math.BigInteger b -> true;
            case Double d -> true;
            case Boolean b -> true;
            case None n -> true;
            case Bytes b -> true;
            case Global g -> true;
            case Tuple t -> {
                for (Object o : t.items()) {
                    if (!isHashable(o, budget)) {
                        yield false;
                    }
                }
                yield true;
            }
            default -> false;
        };
    }

    /** A short description of a value's type for error messages (never its full contents). */
    public static String typeName(Object v) {
        return switch (v) {
            case null -> "null";
            case None n -> "None";
            case String s -> "str";
            case Long l -> "int";
            case java.math.BigInteger b -> "int";
            case Double d -> "float";
            case Boolean b -> "bool";
            case Tuple t -> "tuple of " + t.size();
            case Bytes b -> "bytes";
            case Global g -> "global " + g;
            case Opaque o -> "object of " + o.type();
            case java.util.List<?> l -> "list";
            case java.util.Map<?, ?> m -> "dict";
            case TensorRef t -> "tensor";
            case StorageRef s -> "storage";
            default -> v.getClass().getSimpleName();
        };
    }
}
