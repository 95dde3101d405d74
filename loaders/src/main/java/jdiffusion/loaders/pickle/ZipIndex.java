package jdiffusion.loaders.pickle;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import jdiffusion.loaders.ModelFormatException;

/**
 * The entries of a zip archive held in a memory-mapped file, read from its central directory
 * (with ZIP64 extensions, as PyTorch writes them for files over 4 GB). Unlike
 * {@link java.util.zip.ZipFile} it yields each entry's data offset, so the STORED tensor records of
 * a multi-gigabyte {@code .ckpt} are used in place; DEFLATED entries (archives repacked by other
 * tools) are inflated into the heap with their size bounded by the compressed size.
 */
final class ZipIndex {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int EOCD = 0x06054b50;
    private static final int ZIP64_LOCATOR = 0x07064b50;
    private static final int ZIP64_EOCD = 0x06064b50;
    private static final int CENTRAL = 0x02014b50;
    private static final int LOCAL = 0x04034b50;
    /** Deflate cannot expand by more than about 1032:1; a larger declared size is a lie. */
    private static final long MAX_DEFLATE_RATIO = 1032;

    /** One archive member: compression method, sizes and where its data starts in the file. */
    record Entry(String name, int method, long compressedSize, long size, long dataOffset) {
    }

    private final MemorySegment file;
    private final String source;
    private final Map<String, Entry> entries;

    private ZipIndex(MemorySegment file, String source, Map<String, Entry> entries) {
        this.file = file;
        this.source = source;
        this.entries = entries;
    }

    Map<String, Entry> entries() {
        return entries;
    }

    /** Reads and validates the central directory. */
    static ZipIndex read(MemorySegment file, String source) {
        long size = file.byteSize();
        long eocd = findEndOfCentralDirectory(file, source);
        if (u16(file, eocd + 4) != 0 || u16(file, eocd + 6) != 0) {
            throw new ModelFormatException(source + ": multi-volume zip archives are not supported");
        }
        long count = u16(file, eocd + 10);
        long cdSize = u32(file, eocd + 12);
        long cdOffset = u32(file, eocd + 16);
        long cdLimit = eocd;
        if (count == 0xffff || cdSize == 0xffffffffL || cdOffset == 0xffffffffL) {
            long loc = eocd - 20;
            if (loc < 0 || file.get(U32, loc) != ZIP64_LOCATOR) {
                throw new ModelFormatException(source + ": zip end record points to ZIP64 data but has no ZIP64 locator");
            }
            long rec = file.get(U64, loc + 8);
            if (rec < 0 || rec > loc - 56 || file.get(U32, rec) != ZIP64_EOCD) {
                throw new ModelFormatException(source + ": ZIP64 end record offset " + rec + " is invalid");
            }
            count = file.get(U64, rec + 32);
            cdSize = file.get(U64, rec + 40);
            cdOffset = file.get(U64, rec + 48);
            cdLimit = rec;
        }
        if (cdOffset < 0 || cdSize < 0 || cdOffset > cdLimit || cdSize > cdLimit - cdOffset) {
            throw new ModelFormatException(source + ": zip central directory [" + cdOffset + ", +" + cdSize
                    + ") lies outside the file of " + size + " bytes");
        }
        if (count < 0 || count > cdSize / 46) {
            throw new ModelFormatException(source + ": zip declares " + count + " entries in a central directory of "
                    + cdSize + " bytes");
        }
        Map<String, Entry> out = new LinkedHashMap<>();
        long p = cdOffset;
        long end = cdOffset + cdSize;
        for (long i = 0; i < count; i++) {
            if (p > end - 46 || file.get(U32, p) != CENTRAL) {
                throw new ModelFormatException(source + ": zip central directory entry " + i + " at byte " + p + " is corrupt");
            }
            int flags = u16(file, p + 8);
            int method = u16(file, p + 10);
            long comp = u32(file, p + 20);
            long uncomp = u32(file, p + 24);
            int nameLen = u16(file, p + 28);
            int extraLen = u16(file, p + 30);
            int commentLen = u16(file, p + 32);
            long local = u32(file, p + 42);
            long next = p + 46 + nameLen + extraLen + commentLen;
            if (next > end) {
                throw new ModelFormatException(source + ": zip central directory entry " + i + " overruns the directory");
            }
            String name = new String(file.asSlice(p + 46, nameLen).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
            long[] z64 = {uncomp, comp, local};
            readZip64Extra(file, p + 46 + nameLen, extraLen, z64, name, source);
            uncomp = z64[0];
            comp = z64[1];
            local = z64[2];
            if ((flags & 1) != 0) {
                throw new ModelFormatException(source + ": zip entry '" + name + "' is encrypted");
            }
            if (local < 0 || local > cdOffset - 30 || file.get(U32, local) != LOCAL) {
                throw new ModelFormatException(source + ": zip entry '" + name + "' has no local header at byte " + local);
            }
            long data = local + 30 + u16(file, local + 26) + u16(file, local + 28);
            if (comp < 0 || uncomp < 0 || data > cdOffset || comp > cdOffset - data) {
                throw new ModelFormatException(source + ": zip entry '" + name + "' data [" + data + ", +" + comp
                        + ") lies outside the archive");
            }
            if (method == 0 && comp != uncomp) {
                throw new ModelFormatException(source + ": stored zip entry '" + name + "' has compressed size " + comp
                        + " but size " + uncomp);
            }
            if (out.put(name, new Entry(name, method, comp, uncomp, data)) != null) {
                throw new ModelFormatException(source + ": zip entry '" + name + "' appears twice");
            }
            p = next;
        }
        return new ZipIndex(file, source, Collections.unmodifiableMap(out));
    }

    private static long findEndOfCentralDirectory(MemorySegment file, String source) {
        long size = file.byteSize();
        if (size < 22) {
            throw new ModelFormatException(source + ": not a zip archive (" + size + " bytes)");
        }
        long stop = Math.max(0, size - 22 - 0xffff);
        for (long p = size - 22; p >= stop; p--) {
            if (file.get(U32, p) == EOCD && p + 22 + u16(file, p + 20) <= size) {
                return p;
            }
        }
        throw new ModelFormatException(source + ": zip end-of-central-directory record not found (truncated file?)");
    }

    /** Replaces the 0xffffffff placeholders in {uncompressed, compressed, local offset} from a ZIP64 extra field. */
    private static void readZip64Extra(MemorySegment file, long at, int len, long[] values, String name, String source) {
        long p = at;
        long end = at + len;
        while (p + 4 <= end) {
            int id = u16(file, p);
            int size = u16(file, p + 2);
            long body = p + 4;
            if (body + size > end) {
                throw new ModelFormatException(source + ": zip entry '" + name + "' has a corrupt extra field");
            }
            if (id == 1) {
                long q = body;
                for (int i = 0; i < 3; i++) {
                    if (values[i] == 0xffffffffL) {
                        if (q + 8 > body + size) {
                            throw new ModelFormatException(source + ": zip entry '" + name + "' has a short ZIP64 field");
                        }
                        values[i] = file.get(U64, q);
                        q += 8;
                    }
                }
            }
            p = body + size;
        }
    }

    /** The bytes of an entry: a view of the file when STORED, an inflated heap copy when DEFLATED. */
    MemorySegment data(Entry e) {
        MemorySegment raw = file.asSlice(e.dataOffset(), e.compressedSize());
        if (e.method() == 0) {
            return raw;
        }
        if (e.method() != 8) {
            throw new ModelFormatException(source + ": zip entry '" + e.name() + "' uses unsupported compression method "
                    + e.method());
        }
        if (e.size() > Integer.MAX_VALUE - 8 || e.size() > e.compressedSize() * MAX_DEFLATE_RATIO + 1024) {
            throw new ModelFormatException(source + ": deflated zip entry '" + e.name() + "' claims " + e.size()
                    + " bytes from " + e.compressedSize() + " compressed bytes");
        }
        return MemorySegment.ofArray(inflate(raw, (int) e.size(), e.name()));
    }

    private byte[] inflate(MemorySegment raw, int size, String name) {
        Inflater inf = new Inflater(true);
        try {
            inf.setInput(raw.asByteBuffer());
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(size, 1 << 20));
            byte[] buf = new byte[1 << 16];
            while (!inf.finished()) {
                int n = inf.inflate(buf);
                if (n == 0 && !inf.finished()) {
                    throw new ModelFormatException(source + ": deflated zip entry '" + name + "' is truncated");
                }
                if (out.size() + (long) n > size) {
                    throw new ModelFormatException(source + ": deflated zip entry '" + name + "' inflates beyond its declared "
                            + size + " bytes");
                }
                out.write(buf, 0, n);
            }
            if (out.size() != size) {
                throw new ModelFormatException(source + ": deflated zip entry '" + name + "' inflates to " + out.size()
                        + " bytes, declared " + size);
            }
            return out.toByteArray();
        } catch (DataFormatException ex) {
            throw new ModelFormatException(source + ": deflated zip entry '" + name + "' is corrupt: " + ex.getMessage(), ex);
        } finally {
            inf.end();
        }
    }

    private static int u16(MemorySegment f, long at) {
        return f.get(U16, at) & 0xffff;
    }

    private static long u32(MemorySegment f, long at) {
        return f.get(U32, at) & 0xffffffffL;
    }
}
