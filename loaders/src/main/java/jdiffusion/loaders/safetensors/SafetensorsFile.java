package jdiffusion.loaders.safetensors;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdiffusion.loaders.MissingTensorException;
import jdiffusion.loaders.ModelFormatException;
import jdiffusion.loaders.Printable;
import jdiffusion.loaders.TensorSource;
import jdiffusion.tensor.DType;
import jdiffusion.tensor.Tensor;

/**
 * A memory-mapped {@code .safetensors} file: the header is parsed and validated up front, tensors
 * are views of the mapping (nothing is copied; files over 2 GB work). Close it to unmap; tensors
 * obtained from it must not be used afterwards.
 *
 * <p>Format: 8-byte little-endian header length N, N bytes of JSON
 * {@code {name: {dtype, shape, data_offsets: [begin, end)}, "__metadata__": {str: str}}}, then the
 * data, contiguous and without gaps, ending exactly at the end of the file.
 */
public final class SafetensorsFile implements TensorSource, AutoCloseable {
    /** Largest header accepted: real checkpoints have headers of a few hundred KB. */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
    /** Largest rank accepted for a tensor shape. */
    static final int MAX_RANK = 16;


    /** One header entry. */
    public record Entry(String name, DType dtype, int[] shape, long begin, long end) {
        public long elementCount() {
            long n = 1;
            for (int d : shape) {
                n *= d;
            }
            return n;
        }
    }

    private final Path path;
    private final String source;
    private final Arena arena;
    private final MemorySegment data;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path path, String source, Arena arena, MemorySegment data, Map<String, Entry> entries,
                            Map<String, String> metadata) {
        this.path = path;
        this.source = source;
        this.arena = arena;
        this.data = data;
        this.entries = entries;
        this.metadata = metadata;
    }

    /** Opens, maps and validates a file; every malformation is a {@link ModelFormatException} naming it. */
    public static SafetensorsFile open(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment all = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            return read(all, path, path.toString(), arena);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Validates a file already in memory (tests, fuzzing); {@code source} names it in errors. */
    public static SafetensorsFile read(MemorySegment all, String source) {
        return read(all, null, source, null);
    }

    private static SafetensorsFile read(MemorySegment all, Path path, String source, Arena arena) {
        long size = all.byteSize();
        if (size < 8) {
            throw new ModelFormatException(source + ": not a safetensors file (" + size
                    + " bytes, shorter than the 8-byte header length)");
        }
        long headerLen = all.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        if (headerLen < 0 || headerLen > MAX_HEADER_BYTES) {
            throw new ModelFormatException(source + ": header length " + Long.toUnsignedString(headerLen)
                    + " exceeds the " + MAX_HEADER_BYTES + "-byte limit (corrupt or not a safetensors file)");
        }
        if (headerLen > size - 8) {
            throw new ModelFormatException(source + ": header length " + headerLen + " is larger than the file ("
                    + size + " bytes; truncated?)");
        }
        if (headerLen < 2) {
            throw new ModelFormatException(source + ": header length " + headerLen + " is too short for a JSON object");
        }
        byte[] header = all.asSlice(8, headerLen).toArray(ValueLayout.JAVA_BYTE);
        MemorySegment data = all.asSlice(8 + headerLen);
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, Entry> entries = parseHeader(source, header, data.byteSize(), metadata);
        return new SafetensorsFile(path, source, arena, data, entries, Collections.unmodifiableMap(metadata));
    }

    static Map<String, Entry> parseHeader(String path, byte[] header, long dataSize, Map<String, String> metadata) {
        Object root = HeaderJson.parse(header, path);
        if (!(root instanceof Map<?, ?> top)) {
            throw new ModelFormatException(path + ": header must be a JSON object");
        }
        List<Entry> list = new ArrayList<>();
        for (Map.Entry<?, ?> f : top.entrySet()) {
            String name = (String) f.getKey();
            Object v = f.getValue();
            if (name.equals("__metadata__")) {
                if (!(v instanceof Map<?, ?> meta)) {
                    throw new ModelFormatException(path + ": __metadata__ must be an object of strings");
                }
                for (Map.Entry<?, ?> kv : meta.entrySet()) {
                    if (!(kv.getValue() instanceof String value)) {
                        throw new ModelFormatException(path + ": __metadata__ value of '" + Printable.of((String) kv.getKey())
                                + "' is not a string");
                    }
                    metadata.put((String) kv.getKey(), value);
                }
                continue;
            }
            list.add(parseEntry(path, name, v, dataSize));
        }
        // Data must be contiguous: sorted by offset, each tensor starts where the previous ended,
        // and the last ends at the end of the file.
        List<Entry> sorted = new ArrayList<>(list);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        for (Entry e : sorted) {
            if (e.begin() < expected) {
                throw new ModelFormatException(path + ": tensor '" + Printable.of(e.name()) + "' at bytes [" + e.begin()
                        + ", " + e.end() + ") overlaps the previous tensor, which ends at " + expected);
            }
            if (e.begin() > expected) {
                throw new ModelFormatException(path + ": tensor '" + Printable.of(e.name()) + "' starts at byte " + e.begin()
                        + " of the data section, leaving a gap after byte " + expected + " (data must be contiguous)");
            }
            expected = e.end();
        }
        if (expected != dataSize) {
            throw new ModelFormatException(path + ": tensors cover " + expected + " bytes of data but the file holds "
                    + dataSize + " (" + (dataSize - expected) + " trailing bytes)");
        }
        Map<String, Entry> byName = new LinkedHashMap<>();
        for (Entry e : list) {
            byName.put(e.name(), e);
        }
        return Collections.unmodifiableMap(byName);
    }

    private static Entry parseEntry(String path, String name, Object v, long dataSize) {
        String where = path + ": tensor '" + Printable.of(name) + "'";
        if (!(v instanceof Map<?, ?> entry)) {
            throw new ModelFormatException(where + ": entry must be an object with dtype, shape, data_offsets");
        }
        if (!(entry.get("dtype") instanceof String dt) || !(entry.get("shape") instanceof List<?> sh)
                || !(entry.get("data_offsets") instanceof List<?> off) || off.size() != 2) {
            throw new ModelFormatException(where + ": entry needs dtype (string), shape (array) and data_offsets ([begin, end])");
        }
        DType dtype = DType.fromSafetensors(dt);
        if (dtype == null) {
            throw new ModelFormatException(where + ": unknown dtype '" + Printable.of(dt) + "'");
        }
        if (sh.size() > MAX_RANK) {
            throw new ModelFormatException(where + ": rank " + sh.size() + " exceeds " + MAX_RANK);
        }
        int[] shape = new int[sh.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            if (!(sh.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) {
                throw new ModelFormatException(where + ": shape " + json(sh) + " has an invalid dimension");
            }
            shape[i] = (int) (long) d;
            count = multiplyOrFail(count, shape[i], where, sh);
        }
        if (!(off.get(0) instanceof Long begin) || !(off.get(1) instanceof Long end)) {
            throw new ModelFormatException(where + ": data_offsets " + json(off) + " are not integers");
        }
        if (begin < 0 || end < begin) {
            throw new ModelFormatException(where + ": data_offsets " + json(off) + " are not a range [begin, end)");
        }
        if (end > dataSize) {
            throw new ModelFormatException(where + ": data_offsets " + json(off) + " end beyond the " + dataSize
                    + " bytes of data in the file (truncated?)");
        }
        long bytes = multiplyOrFail(count, dtype.byteSize(), where, sh);
        if (end - begin != bytes) {
            throw new ModelFormatException(where + ": shape " + json(sh) + " of " + dtype + " needs " + bytes
                    + " bytes but data_offsets " + json(off) + " span " + (end - begin));
        }
        if (count > Integer.MAX_VALUE - 16) {
            throw new ModelFormatException(where + ": " + count + " elements exceed what one tensor may hold (2^31)");
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    /** A short JSON-like rendering of a small array of header values, for messages. */
    private static String json(List<?> values) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < values.size() && i < MAX_RANK + 1; i++) {
            Object v = values.get(i);
            sb.append(i == 0 ? "" : ",").append(v instanceof String s ? "\"" + Printable.of(s) + "\""
                    : v instanceof Map || v instanceof List ? "..." : String.valueOf(v));
        }
        return sb.append(values.size() > MAX_RANK + 1 ? ",...]" : "]").toString();
    }

    private static long multiplyOrFail(long a, long b, String where, List<?> shape) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException ex) {
            throw new ModelFormatException(where + ": shape " + json(shape) + " overflows");
        }
    }

    /** The file, or null for a file read from memory. */
    public Path path() {
        return path;
    }

    /** The {@code __metadata__} strings (empty when absent). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Header entries by name, in header order. */
    public Map<String, Entry> entries() {
        return entries;
    }

    @Override
    public Set<String> names() {
        return entries.keySet();
    }

    @Override
    public boolean contains(String name) {
        return entries.containsKey(name);
    }

    @Override
    public Tensor tensor(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new MissingTensorException(source, name);
        }
        return Tensor.wrap(data.asSlice(e.begin(), e.end() - e.begin()), e.dtype(), e.shape());
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
