package jdiffusion.loaders.pickle;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Writes pickle opcode streams and torch-style zip archives byte by byte for tests. */
final class PickleBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    PickleBytes op(int... ops) {
        for (int o : ops) {
            out.write(o);
        }
        return this;
    }

    PickleBytes proto(int v) {
        return op(0x80, v);
    }

    PickleBytes str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        op('X');
        le32(b.length);
        out.writeBytes(b);
        return this;
    }

    PickleBytes global(String module, String name) {
        op('c');
        out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
        return this;
    }

    PickleBytes integer(int v) {
        op('J');
        return le32(v);
    }

    PickleBytes le32(int v) {
        for (int i = 0; i < 4; i++) {
            out.write(v >>> (8 * i));
        }
        return this;
    }

    PickleBytes raw(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    /** Pushes the tuple of ints {@code vs}. */
    PickleBytes intTuple(int... vs) {
        op('(');
        for (int v : vs) {
            integer(v);
        }
        return op('t');
    }

    /** {@code _rebuild_tensor_v2(persistent storage(type, key, numel), offset, size, stride, False, OrderedDict())}. */
    PickleBytes tensor(String storageType, String key, int numel, int offset, int[] size, int[] stride) {
        global("torch._utils", "_rebuild_tensor_v2").op('(');
        op('(').str("storage").global("torch", storageType).str(key).str("cpu").integer(numel).op('t', 'Q');
        integer(offset).intTuple(size).intTuple(stride).op(0x89);
        global("collections", "OrderedDict").op(')', 'R');
        return op('t', 'R');
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    /** A torch.save-style zip: {@code archive/data.pkl}, {@code archive/data/<key>}, byteorder, version. */
    static byte[] torchZip(String archive, byte[] pickle, Map<String, byte[]> storages) {
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            try (ZipOutputStream z = new ZipOutputStream(bos)) {
                stored(z, archive + "/data.pkl", pickle);
                stored(z, archive + "/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
                for (var e : storages.entrySet()) {
                    stored(z, archive + "/data/" + e.getKey(), e.getValue());
                }
                stored(z, archive + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
            }
            return bos.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void stored(ZipOutputStream z, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        z.putNextEntry(e);
        z.write(data);
        z.closeEntry();
    }

    static byte[] f32(float... v) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * v.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putFloat(x);
        }
        return b.array();
    }
}
