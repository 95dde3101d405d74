package jdiffusion.loaders.pickle;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdiffusion.loaders.MissingTensorException;
import jdiffusion.loaders.ModelFormatException;
import jdiffusion.loaders.TensorSource;
import jdiffusion.tensor.DType;
import jdiffusion.tensor.Tensor;

/**
 * A file written by {@code torch.save} ({@code .ckpt}, {@code .pt}, {@code .pth}, {@code .bin}),
 * read without running any of it: the zip format of PyTorch ≥ 1.6 ({@code <archive>/data.pkl} +
 * {@code <archive>/data/<key>}, the archive folder name varies) and the older "legacy" format (a
 * magic-number pickle, protocol version, system info, the object pickle, the storage key list,
 * then every storage's bytes). The file is memory-mapped; contiguous tensors are views of it,
 * strided ones are copied (in their own dtype) when asked for.
 *
 * <p>As a {@link TensorSource} it holds the state dict: the object under {@code state_dict} (or
 * {@code params_ema}, {@code params}, ...) with nested dicts flattened to dotted names and
 * non-tensor entries ignored ({@link StateDicts}). {@link #root()} gives the whole unpickled object.
 */
public final class TorchCheckpoint implements TensorSource, AutoCloseable {
    /** The magic number the legacy format starts with. */
    static final long LEGACY_MAGIC_HIGH = 0x1950L;
    static final long LEGACY_MAGIC_LOW = 0xa86a20f9469cfc6cL;
    /** Largest copy made of a view holding more elements than its storage (stride-0 expansions). */
    static final long MAX_EXPANDED_COPY_BYTES = 64L * 1024 * 1024;
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** The two container layouts. */
    public enum Container {
        ZIP,
        LEGACY
    }

    private final String source;
    private final Arena arena;
    private final Container container;
    private final Object root;
    private final Map<String, TensorRef> tensors;
    private final Map<String, MemorySegment> storageData;

    private TorchCheckpoint(String source, Arena arena, Container container, Object root,
                            Map<String, TensorRef> tensors, Map<String, MemorySegment> storageData) {
        this.source = source;
        this.arena = arena;
        this.container = container;
        this.root = root;
        this.tensors = tensors;
        this.storageData = storageData;
    }

    /** Maps and reads a checkpoint; a malformed or unsafe file is a {@link ModelFormatException} naming it. */
    public static TorchCheckpoint open(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment all = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            return read(all, path.toString(), arena);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Reads a checkpoint held in memory (tests, fuzzing). {@code arena} is closed by {@link #close()}; may be null. */
    public static TorchCheckpoint read(MemorySegment file, String source, Arena arena) {
        if (isZip(file)) {
            return readZip(file, source, arena);
        }
        if (file.byteSize() >= 2 && (file.get(ValueLayout.JAVA_BYTE, 0) & 0xff) == 0x80) {
            return readLegacy(file, source, arena);
        }
        if (file.byteSize() >= 262 && "ustar".equals(ascii(file, 257, 5))) {
            throw new ModelFormatException(source + ": PyTorch's tar checkpoint format (before 0.4) is not supported");
        }
        throw new ModelFormatException(source + ": not a PyTorch checkpoint (neither a zip archive nor a pickle)");
    }

    static boolean isZip(MemorySegment file) {
        return file.byteSize() >= 4 && file.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0) == 0x04034b50;
    }

    private static TorchCheckpoint readZip(MemorySegment file, String source, Arena arena) {
        ZipIndex zip = ZipIndex.read(file, source);
        ZipIndex.Entry pkl = null;
        for (ZipIndex.Entry e : zip.entries().values()) {
            String n = e.name();
            if (n.equals("data.pkl") || (n.endsWith("/data.pkl") && n.indexOf('/') == n.length() - "/data.pkl".length())) {
                if (pkl != null) {
                    throw new ModelFormatException(source + ": zip holds two pickles ('" + pkl.name() + "' and '" + n + "')");
                }
                pkl = e;
            }
        }
        if (pkl == null) {
            throw new ModelFormatException(source + ": zip archive has no '<archive>/data.pkl' (not a torch.save file)");
        }
        String prefix = pkl.name().substring(0, pkl.name().length() - "data.pkl".length());
        ZipIndex.Entry order = zip.entries().get(prefix + "byteorder");
        if (order != null) {
            String bo = new String(zip.data(order).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII).strip();
            if (!bo.equals("little")) {
                throw new ModelFormatException(source + ": byte order '" + PickleMachine.printable(bo)
                        + "' is not supported (only little-endian checkpoints)");
            }
        }
        Map<String, StorageRef> declared = new HashMap<>();
        Map<String, MemorySegment> data = new HashMap<>();
        MemorySegment pickle = zip.data(pkl);
        Object root = PickleMachine.run(pickle, 0, pickle.byteSize(), source + " (" + pkl.name() + ")", pid -> {
            StorageRef s = storageRef(pid, 5, declared);
            if (!data.containsKey(s.key())) {
                ZipIndex.Entry e = zip.entries().get(prefix + "data/" + s.key());
                if (e == null) {
                    throw new ModelFormatException("storage '" + s.key() + "' has no record '" + prefix + "data/" + s.key() + "'");
                }
                long bytes = s.numel() * s.dtype().byteSize();
                if (e.size() != bytes) {
                    throw new ModelFormatException("storage '" + s.key() + "' of " + s.numel() + " " + s.dtype()
                            + " elements needs " + bytes + " bytes, its record has " + e.size());
                }
                data.put(s.key(), zip.data(e));
            }
            return s;
        }).value();
        return new TorchCheckpoint(source, arena, Container.ZIP, root, StateDicts.extract(root, source), data);
    }

    private static TorchCheckpoint readLegacy(MemorySegment file, String source, Arena arena) {
        long end = file.byteSize();
        PickleMachine.Result magic = PickleMachine.run(file, 0, end, source, null);
        if (!(magic.value() instanceof java.math.BigInteger b)
                || !b.equals(java.math.BigInteger.valueOf(LEGACY_MAGIC_HIGH).shiftLeft(64)
                .or(new java.math.BigInteger(Long.toUnsignedString(LEGACY_MAGIC_LOW))))) {
            throw new ModelFormatException(source + ": a pickle but not a PyTorch checkpoint (no legacy magic number)");
        }
        PickleMachine.Result version = PickleMachine.run(file, magic.end(), end, source, null);
        if (!(version.value() instanceof Long v) || v != 1001L) {
            throw new ModelFormatException(source + ": legacy checkpoint protocol version is not 1001");
        }
        PickleMachine.Result sysInfo = PickleMachine.run(file, version.end(), end, source, null);
        if (sysInfo.value() instanceof Map<?, ?> info && Boolean.FALSE.equals(info.get("little_endian"))) {
            throw new ModelFormatException(source + ": big-endian legacy checkpoints are not supported");
        }
        Map<String, StorageRef> declared = new HashMap<>();
        PickleMachine.Result main = PickleMachine.run(file, sysInfo.end(), end, source, pid -> storageRef(pid, 6, declared));
        PickleMachine.Result keys = PickleMachine.run(file, main.end(), end, source, null);
        if (!(keys.value() instanceof List<?> keyList)) {
            throw new ModelFormatException(source + ": legacy checkpoint storage key list is missing");
        }
        Map<String, MemorySegment> data = new HashMap<>();
        long p = keys.end();
        for (Object k : keyList) {
            StorageRef s = k instanceof String key ? declared.get(key) : null;
            if (s == null || !s.dataKey().equals(s.key())) {
                throw new ModelFormatException(source + ": legacy storage list names " + Py.typeName(k) + " '"
                        + (k instanceof String key ? PickleMachine.printable(key) : "?") + "' that no tensor declared");
            }
            if (data.containsKey(s.key())) {
                throw new ModelFormatException(source + ": legacy storage '" + s.key() + "' is listed twice");
            }
            if (p > end - 8) {
                throw new ModelFormatException(source + ": truncated: storage '" + s.key() + "' record missing at byte " + p);
            }
            long n = file.get(I64, p);
            if (n != s.numel()) {
                throw new ModelFormatException(source + ": storage '" + s.key() + "' record holds " + n
                        + " elements, declared " + s.numel());
            }
            long bytes = n * s.dtype().byteSize();
            if (bytes > end - p - 8) {
                throw new ModelFormatException(source + ": truncated: storage '" + s.key() + "' needs " + bytes
                        + " bytes at byte " + (p + 8) + ", file has " + end);
            }
            data.put(s.key(), file.asSlice(p + 8, bytes));
            p += 8 + bytes;
        }
        Object root = main.value();
        return new TorchCheckpoint(source, arena, Container.LEGACY, root, StateDicts.extract(root, source), data);
    }

    /**
     * Validates a persistent id {@code ('storage', StorageType, key, location, numel[, view])}
     * ({@code arity} 5 in zip files, 6 in legacy ones) and returns its storage.
     */
    private static StorageRef storageRef(Object pid, int arity, Map<String, StorageRef> declared) {
        if (!(pid instanceof Py.Tuple t) || t.size() != arity || !"storage".equals(t.get(0))) {
            throw new ModelFormatException("persistent id is not a ('storage', ...) tuple of " + arity);
        }
        DType dtype = TorchGlobals.storageDType(t.get(1));
        if (dtype == null) {
            throw new ModelFormatException("persistent id names an unsupported storage type ("
                    + Py.typeName(t.get(1)) + ")");
        }
        if (!(t.get(2) instanceof String key) || !(t.get(4) instanceof Long numel) || numel < 0
                || numel > Long.MAX_VALUE / 8) {
            throw new ModelFormatException("persistent id needs a string key and an element count");
        }
        StorageRef root = new StorageRef(key, dtype, numel, key, 0);
        StorageRef prev = declared.putIfAbsent(key, root);
        if (prev != null && !prev.equals(root)) {
            throw new ModelFormatException("storage '" + PickleMachine.printable(key) + "' is declared twice ("
                    + prev.numel() + " " + prev.dtype() + ", then " + numel + " " + dtype + ")");
        }
        if (arity == 6 && t.get(5) instanceof Py.Tuple view) {
            // Pre-0.4 files: (view_key, offset, size) — a storage that is a slice of the root one.
            if (view.size() != 3 || !(view.get(0) instanceof String viewKey) || !(view.get(1) instanceof Long off)
                    || !(view.get(2) instanceof Long size) || off < 0 || size < 0 || off > numel - size) {
                throw new ModelFormatException("storage view of '" + PickleMachine.printable(key) + "' is invalid");
            }
            return new StorageRef(viewKey, dtype, size, key, off);
        }
        if (arity == 6 && !(t.get(5) instanceof Py.None)) {
            throw new ModelFormatException("storage view metadata must be a tuple or None");
        }
        return root;
    }

    private static String ascii(MemorySegment f, long at, int n) {
        return new String(f.asSlice(at, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII);
    }

    /** The whole unpickled object (dicts, lists, {@link TensorRef} leaves, ...). */
    public Object root() {
        return root;
    }

    public Container container() {
        return container;
    }

    /** The state dict's tensors as references (shape, dtype, strides), without reading any data. */
    public Map<String, TensorRef> tensorRefs() {
        return tensors;
    }

    /** Builds the tensor a reference describes: a view of the file when contiguous, otherwise a copy. */
    public Tensor materialize(TensorRef r) {
        StorageRef s = r.storage();
        MemorySegment seg = storageData.get(s.dataKey());
        if (seg == null) {
            throw new ModelFormatException(source + ": storage '" + s.dataKey() + "' has no data in the file");
        }
        int es = s.dtype().byteSize();
        long base = (s.dataOffset() + r.offset()) * es;
        long count = r.elementCount();
        int[] shape = r.shape();
        if (count == 0) {
            return Tensor.wrap(MemorySegment.ofArray(new byte[0]), s.dtype(), shape); // offset is meaningless
        }
        if (r.isContiguous()) {
            return Tensor.wrap(seg.asSlice(base, count * es), s.dtype(), shape);
        }
        // A view that repeats elements (zero or overlapping strides) can be far larger than its
        // storage; copying it must not let a header value decide how much memory is taken.
        if (count > s.numel() && count * es > MAX_EXPANDED_COPY_BYTES) {
            throw new ModelFormatException(source + ": tensor view " + r + " repeats " + s.numel() + " stored elements "
                    + count + " times over (more than " + MAX_EXPANDED_COPY_BYTES + " bytes); refused");
        }
        return Tensor.wrap(MemorySegment.ofArray(StridedCopy.gather(seg, base, es, shape, r.stride())), s.dtype(), shape);
    }

    @Override
    public Set<String> names() {
        return Collections.unmodifiableSet(tensors.keySet());
    }

    @Override
    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    @Override
    public Tensor tensor(String name) {
        TensorRef r = tensors.get(name);
        if (r == null) {
            throw new MissingTensorException(source, name);
        }
        return materialize(r);
    }

    @Override
    public String description() {
        return source;
    }

    @Override
    public void close() {
        if (arena != null) {
            arena.close();
        }
    }
}
