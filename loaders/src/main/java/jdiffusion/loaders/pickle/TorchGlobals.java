package jdiffusion.loaders.pickle;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdiffusion.loaders.ModelFormatException;
import jdiffusion.tensor.DType;

/**
 * The only globals a checkpoint pickle may name, and what "calling" each of them means. Python's
 * unpickler imports and runs whatever a GLOBAL names (that is how a malicious {@code .ckpt} runs
 * {@code os.system}); here a global is a name looked up in this table and every call is a small
 * Java function over inert values, so nothing from the file is ever executed. Any other name is
 * refused by the machine as soon as it is read.
 */
final class TorchGlobals {
    private TorchGlobals() {
    }

    /** What an allowed global does when called (REDUCE / NEWOBJ / INST / OBJ). */
    enum Kind {
        ORDERED_DICT,
        REBUILD_TENSOR_V2,
        REBUILD_TENSOR,
        REBUILD_PARAMETER,
        REBUILD_PARAMETER_WITH_STATE,
        REBUILD_FROM_TYPE_V2,
        SIZE,
        CODECS_ENCODE,
        SET,
        /** Harmless class whose instances are not needed (numpy scalars in bookkeeping, devices). */
        INERT,
        /** A name used only as a value (storage types, tensor classes, dtypes, dict keys). */
        MARKER
    }

    private static final Map<String, Kind> ALLOWED = new HashMap<>();
    private static final Map<String, DType> STORAGE_TYPES = new LinkedHashMap<>();

    static {
        ALLOWED.put("collections.OrderedDict", Kind.ORDERED_DICT);
        ALLOWED.put("torch._utils._rebuild_tensor_v2", Kind.REBUILD_TENSOR_V2);
        ALLOWED.put("torch._utils._rebuild_tensor", Kind.REBUILD_TENSOR);
        ALLOWED.put("torch._utils._rebuild_parameter", Kind.REBUILD_PARAMETER);
        ALLOWED.put("torch._utils._rebuild_parameter_with_state", Kind.REBUILD_PARAMETER_WITH_STATE);
        ALLOWED.put("torch._tensor._rebuild_from_type_v2", Kind.REBUILD_FROM_TYPE_V2);
        ALLOWED.put("torch.Size", Kind.SIZE);
        ALLOWED.put("_codecs.encode", Kind.CODECS_ENCODE);
        ALLOWED.put("builtins.set", Kind.SET);
        ALLOWED.put("builtins.frozenset", Kind.SET);
        ALLOWED.put("__builtin__.set", Kind.SET);
        ALLOWED.put("torch.device", Kind.INERT);
        for (String np : List.of("numpy.core.multiarray", "numpy._core.multiarray")) {
            ALLOWED.put(np + ".scalar", Kind.INERT);
            ALLOWED.put(np + "._reconstruct", Kind.INERT);
        }
        ALLOWED.put("numpy.dtype", Kind.INERT);
        ALLOWED.put("numpy.ndarray", Kind.MARKER);
        ALLOWED.put("torch.Tensor", Kind.MARKER);
        ALLOWED.put("torch.nn.parameter.Parameter", Kind.MARKER);
        // The SD 1.x training checkpoints name Lightning's callback class as a dict key.
        ALLOWED.put("pytorch_lightning.callbacks.model_checkpoint.ModelCheckpoint", Kind.MARKER);
        for (String dt : List.of("float32", "float16", "bfloat16", "float64", "int64", "int32", "int16", "int8",
                "uint8", "bool")) {
            ALLOWED.put("torch." + dt, Kind.MARKER);
        }
        STORAGE_TYPES.put("FloatStorage", DType.F32);
        STORAGE_TYPES.put("HalfStorage", DType.F16);
        STORAGE_TYPES.put("BFloat16Storage", DType.BF16);
        STORAGE_TYPES.put("DoubleStorage", DType.F64);
        STORAGE_TYPES.put("LongStorage", DType.I64);
        STORAGE_TYPES.put("IntStorage", DType.I32);
        STORAGE_TYPES.put("ShortStorage", DType.I16);
        STORAGE_TYPES.put("CharStorage", DType.I8);
        STORAGE_TYPES.put("ByteStorage", DType.U8);
        STORAGE_TYPES.put("BoolStorage", DType.BOOL);
        STORAGE_TYPES.put("Float8_e4m3fnStorage", DType.F8_E4M3);
        STORAGE_TYPES.put("Float8_e5m2Storage", DType.F8_E5M2);
        for (String s : STORAGE_TYPES.keySet()) {
            ALLOWED.put("torch." + s, Kind.MARKER);
            ALLOWED.put("torch.cuda." + s, Kind.MARKER);
        }
    }

    /** The kind of an allowed global, or null when the name is refused. */
    static Kind kindOf(Py.Global g) {
        return ALLOWED.get(g.module() + "." + g.name());
    }

    /** The element type of a storage class ({@code torch.HalfStorage} → F16), or null. */
    static DType storageDType(Object type) {
        if (type instanceof Py.Global g && (g.module().equals("torch") || g.module().equals("torch.cuda"))) {
            return STORAGE_TYPES.get(g.name());
        }
        return null;
    }

    /** Deepest chain of {@code _rebuild_from_type_v2} calls wrapping one another (torch writes one). */
    static final int MAX_CALL_NESTING = 8;

    /** Applies an allowed global to its arguments. {@code where} prefixes error messages. */
    static Object call(Py.Global g, Py.Tuple args, String where) {
        return call(g, args, where, 0);
    }

    private static Object call(Py.Global g, Py.Tuple args, String where, int nesting) {
        if (nesting > MAX_CALL_NESTING) {
            throw new ModelFormatException(where + "calls nested deeper than " + MAX_CALL_NESTING);
        }
        Kind kind = kindOf(g);
        if (kind == null) {
            throw new ModelFormatException(where + "refuses to call global '" + g + "'");
        }
        return switch (kind) {
            case ORDERED_DICT -> orderedDict(args, where);
            case REBUILD_TENSOR_V2 -> {
                arity(g, args, 6, 7, where);
                yield rebuild(args, where);
            }
            case REBUILD_TENSOR -> {
                arity(g, args, 4, 4, where);
                yield rebuild(args, where);
            }
            case REBUILD_PARAMETER, REBUILD_PARAMETER_WITH_STATE -> {
                arity(g, args, kind == Kind.REBUILD_PARAMETER ? 3 : 4, 4, where);
                if (!(args.get(0) instanceof TensorRef t)) {
                    throw new ModelFormatException(where + g + " expects a tensor, got " + Py.typeName(args.get(0)));
                }
                yield t;
            }
            case REBUILD_FROM_TYPE_V2 -> {
                arity(g, args, 4, 4, where);
                Object type = args.get(1);
                if (!(args.get(0) instanceof Py.Global f) || !(args.get(2) instanceof Py.Tuple inner)
                        || !(type instanceof Py.Global t && kindOf(t) == Kind.MARKER
                        && (t.name().equals("Tensor") || t.name().equals("Parameter")))) {
                    throw new ModelFormatException(where + g + " expects (function, torch.Tensor or Parameter, args, state)");
                }
                yield call(f, inner, where, nesting + 1);
            }
            case SIZE -> {
                arity(g, args, 1, 1, where);
                if (!(args.get(0) instanceof Py.Tuple t)) {
                    throw new ModelFormatException(where + "torch.Size expects a tuple, got " + Py.typeName(args.get(0)));
                }
                yield t;
            }
            case CODECS_ENCODE -> encode(args, where);
            case SET -> {
                arity(g, args, 0, 1, where);
                List<Object> out = new ArrayList<>();
                if (args.size() == 1 && args.get(0) instanceof List<?> l) {
                    out.addAll(l);
                }
                yield out;
            }
            case INERT -> new Py.Opaque(g);
            case MARKER -> throw new ModelFormatException(where + "global '" + g + "' cannot be called");
        };
    }

    private static void arity(Py.Global g, Py.Tuple args, int min, int max, String where) {
        if (args.size() < min || args.size() > max) {
            throw new ModelFormatException(where + g + " called with " + args.size() + " arguments, expected "
                    + (min == max ? String.valueOf(min) : min + " to " + max));
        }
    }

    private static Object orderedDict(Py.Tuple args, String where) {
        Map<Object, Object> d = new LinkedHashMap<>();
        if (args.size() == 1 && args.get(0) instanceof List<?> pairs) {
            for (Object p : pairs) {
                if (!(p instanceof Py.Tuple t) || t.size() != 2) {
                    throw new ModelFormatException(where + "OrderedDict expects (key, value) pairs");
                }
                d.put(Py.hashable(t.get(0), where), t.get(1));
            }
        } else if (args.size() != 0) {
            throw new ModelFormatException(where + "OrderedDict called with unsupported arguments");
        }
        return d;
    }

    private static Object encode(Py.Tuple args, String where) {
        if (args.size() < 1 || args.size() > 2 || !(args.get(0) instanceof String s)) {
            throw new ModelFormatException(where + "_codecs.encode expects (str, encoding)");
        }
        String enc = args.size() == 2 && args.get(1) instanceof String e ? e.toLowerCase(java.util.Locale.ROOT) : "utf-8";
        return switch (enc) {
            case "latin1", "latin-1", "iso-8859-1" -> new Py.Bytes(s.getBytes(StandardCharsets.ISO_8859_1));
            case "utf-8", "utf8", "ascii" -> new Py.Bytes(s.getBytes(StandardCharsets.UTF_8));
            default -> throw new ModelFormatException(where + "_codecs.encode with unsupported encoding '" + enc + "'");
        };
    }

    /** {@code _rebuild_tensor(_v2)(storage, storage_offset, size, stride, ...)}, validated against the storage. */
    private static TensorRef rebuild(Py.Tuple args, String where) {
        if (!(args.get(0) instanceof StorageRef storage)) {
            throw new ModelFormatException(where + "tensor rebuild expects a storage, got " + Py.typeName(args.get(0)));
        }
        long offset = nonNegativeLong(args.get(1), "storage offset", where);
        if (!(args.get(2) instanceof Py.Tuple size) || !(args.get(3) instanceof Py.Tuple stride)) {
            throw new ModelFormatException(where + "tensor size and stride must be tuples");
        }
        if (size.size() != stride.size() || size.size() > TensorRef.MAX_RANK) {
            throw new ModelFormatException(where + "tensor of rank " + size.size() + " has " + stride.size()
                    + " strides (rank at most " + TensorRef.MAX_RANK + ")");
        }
        int[] shape = new int[size.size()];
        long[] strides = new long[size.size()];
        long count = 1;
        long last = offset;
        for (int i = 0; i < shape.length; i++) {
            long d = nonNegativeLong(size.get(i), "dimension", where);
            if (d > Integer.MAX_VALUE) {
                throw new ModelFormatException(where + "tensor dimension " + d + " is too large");
            }
            shape[i] = (int) d;
            strides[i] = nonNegativeLong(stride.get(i), "stride", where);
            count = mulOrFail(count, d, where);
        }
        if (count > Integer.MAX_VALUE - 16) {
            throw new ModelFormatException(where + "tensor of " + count + " elements exceeds 2^31 elements");
        }
        if (count > 0) {
            for (int i = 0; i < shape.length; i++) {
                last = addOrFail(last, mulOrFail(shape[i] - 1L, strides[i], where), where);
            }
            if (last >= storage.numel()) {
                throw new ModelFormatException(where + "tensor (offset " + offset + ", shape "
                        + java.util.Arrays.toString(shape) + ", stride " + java.util.Arrays.toString(strides)
                        + ") reads element " + last + " of storage '" + storage.key() + "' which has "
                        + storage.numel() + " elements");
            }
        }
        return new TensorRef(storage, offset, shape, strides);
    }

    private static long nonNegativeLong(Object v, String what, String where) {
        if (v instanceof Long l && l >= 0) {
            return l;
        }
        throw new ModelFormatException(where + "tensor " + what + " must be a non-negative int, got "
                + (v instanceof Long l ? l.toString() : Py.typeName(v)));
    }

    private static long mulOrFail(long a, long b, String where) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new ModelFormatException(where + "tensor size or stride overflows");
        }
    }

    private static long addOrFail(long a, long b, String where) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            throw new ModelFormatException(where + "tensor extent overflows");
        }
    }
}
