package jdiffusion.loaders.pickle;

import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdiffusion.loaders.ModelFormatException;

/**
 * Finds the state dict in an unpickled checkpoint, as the webui and upscaler loaders do: a
 * training checkpoint's {@code state_dict} (possibly nested twice), Real-ESRGAN's
 * {@code params_ema} (preferred) or {@code params}, otherwise the top-level dict itself. Nested
 * dicts are flattened with dotted names ({@code string_to_param.*} of a textual-inversion file);
 * non-tensor values (global_step, epoch, optimizer hyper-parameters) are ignored.
 */
public final class StateDicts {
    /** Wrapper keys tried, in order, when the top-level dict holds no tensor itself. */
    static final List<String> WRAPPERS = List.of("params_ema", "params-ema", "params", "model", "net", "module");
    /** Deepest nesting flattened. */
    static final int MAX_DEPTH = 32;

    private StateDicts() {
    }

    /** The tensors of the state dict inside {@code root}, by (dotted) name, in file order. */
    public static Map<String, TensorRef> extract(Object root, String source) {
        Object sd = root;
        for (int i = 0; i < MAX_DEPTH && sd instanceof Map<?, ?> m; i++) {
            if (m.get("state_dict") instanceof Map<?, ?> inner) {
                sd = inner;
                continue;
            }
            if (hasDirectTensor(m)) {
                break;
            }
            Object next = null;
            for (String w : WRAPPERS) {
                if (m.get(w) instanceof Map<?, ?> inner) {
                    next = inner;
                    break;
                }
            }
            if (next == null) {
                break;
            }
            sd = next;
        }
        if (!(sd instanceof Map<?, ?> dict)) {
            throw new ModelFormatException(source + ": the pickle holds a " + Py.typeName(sd) + ", not a state dict");
        }
        Map<String, TensorRef> out = new LinkedHashMap<>();
        flatten(dict, "", out, new IdentityHashMap<>(), 0, source);
        return out;
    }

    private static boolean hasDirectTensor(Map<?, ?> m) {
        for (Object v : m.values()) {
            if (v instanceof TensorRef) {
                return true;
            }
        }
        return false;
    }

    private static void flatten(Map<?, ?> m, String prefix, Map<String, TensorRef> out,
                                IdentityHashMap<Object, Boolean> seen, int depth, String source) {
        if (depth > MAX_DEPTH || seen.put(m, Boolean.TRUE) != null) {
            return; // shared or cyclic structure: each dict is visited once
        }
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String key = switch (e.getKey()) {
                case String s -> s;
                case Long l -> l.toString();
                default -> null;
            };
            if (key == null) {
                continue;
            }
            String name = prefix + key;
            if (e.getValue() instanceof TensorRef t) {
                if (out.putIfAbsent(name, t) != null) {
                    throw new ModelFormatException(source + ": tensor name '" + PickleMachine.printable(name)
                            + "' occurs twice after flattening nested dicts");
                }
            } else if (e.getValue() instanceof Map<?, ?> inner) {
                flatten(inner, name + ".", out, seen, depth + 1, source);
            }
        }
    }
}
