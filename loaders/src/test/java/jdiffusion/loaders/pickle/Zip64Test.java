package jdiffusion.loaders.pickle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ZIP64 archives, as PyTorch writes for checkpoints over 4 GB: sizes and offsets in the central
 * directory replaced by 0xFFFFFFFF with the real values in a ZIP64 extra field, and a ZIP64 end
 * record. Built byte by byte here (and checked with java.util.zip.ZipFile), since a real one
 * would need a 4 GB file.
 */
class Zip64Test {

    static byte[] zip64(Map<String, byte[]> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream central = new ByteArrayOutputStream();
        for (var e : entries.entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            byte[] data = e.getValue();
            CRC32 crc = new CRC32();
            crc.update(data);
            long local = out.size();
            ByteBuffer lh = le(30 + name.length + 20);
            lh.putInt(0x04034b50).putShort((short) 45).putShort((short) 0).putShort((short) 0).putInt(0)
                    .putInt((int) crc.getValue()).putInt(-1).putInt(-1).putShort((short) name.length).putShort((short) 20)
                    .put(name).putShort((short) 1).putShort((short) 16).putLong(data.length).putLong(data.length);
            out.writeBytes(lh.array());
            out.writeBytes(data);
            ByteBuffer ch = le(46 + name.length + 28);
            ch.putInt(0x02014b50).putShort((short) 45).putShort((short) 45).putShort((short) 0).putShort((short) 0)
                    .putInt(0).putInt((int) crc.getValue()).putInt(-1).putInt(-1).putShort((short) name.length)
                    .putShort((short) 28).putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0).putInt(-1)
                    .put(name).putShort((short) 1).putShort((short) 24).putLong(data.length).putLong(data.length).putLong(local);
            central.writeBytes(ch.array());
        }
        long cdOffset = out.size();
        out.writeBytes(central.toByteArray());
        long z64 = out.size();
        ByteBuffer rec = le(56 + 20 + 22);
        rec.putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0)
                .putLong(entries.size()).putLong(entries.size()).putLong(central.size()).putLong(cdOffset);
        rec.putInt(0x07064b50).putInt(0).putLong(z64).putInt(1);
        rec.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) -1).putShort((short) -1)
                .putInt(-1).putInt(-1).putShort((short) 0);
        out.writeBytes(rec.array());
        return out.toByteArray();
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Archives repacked by other tools may deflate their members: inflated, with sizes checked. */
    @Test
    void readsDeflatedMembers() throws Exception {
        byte[] pkl = new PickleBytes().proto(2).op('}').str("w")
                .tensor("FloatStorage", "0", 4, 0, new int[] {4}, new int[] {1}).op('s', '.').bytes();
        java.io.ByteArrayOutputStream bos = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(bos)) {
            z.putNextEntry(new java.util.zip.ZipEntry("a/data.pkl"));
            z.write(pkl);
            z.putNextEntry(new java.util.zip.ZipEntry("a/data/0"));
            z.write(PickleBytes.f32(1, 2, 3, 4));
        }
        byte[] zip = bos.toByteArray();
        try (TorchCheckpoint c = TorchCheckpoint.read(MemorySegment.ofArray(zip), "deflated", null)) {
            assertArrayEquals(new float[] {1, 2, 3, 4}, c.tensor("w").toFloatArray());
        }
        // a member whose declared size is larger than deflate can produce from its bytes is refused
        ZipIndex index = ZipIndex.read(MemorySegment.ofArray(zip), "deflated");
        ZipIndex.Entry e = index.entries().get("a/data/0");
        ZipIndex.Entry lying = new ZipIndex.Entry(e.name(), e.method(), e.compressedSize(), e.compressedSize() * 2000, e.dataOffset());
        var err = org.junit.jupiter.api.Assertions.assertThrows(jdiffusion.loaders.ModelFormatException.class, () -> index.data(lying));
        org.junit.jupiter.api.Assertions.assertTrue(err.getMessage().contains("claims"), err.getMessage());
    }

    @Test
    void readsZip64CentralDirectories(@TempDir Path dir) throws Exception {
        byte[] pkl = new PickleBytes().proto(2).op('}').str("w")
                .tensor("FloatStorage", "0", 4, 0, new int[] {2, 2}, new int[] {2, 1}).op('s', '.').bytes();
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("big/data.pkl", pkl);
        entries.put("big/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
        entries.put("big/data/0", PickleBytes.f32(1.5f, -2f, 3f, 4.25f));
        byte[] zip = zip64(entries);
        Path p = dir.resolve("z64.ckpt");
        Files.write(p, zip);
        try (ZipFile jdk = new ZipFile(p.toFile())) { // the JDK agrees the archive is well-formed
            assertArrayEquals(pkl, jdk.getInputStream(jdk.getEntry("big/data.pkl")).readAllBytes());
        }
        ZipIndex index = ZipIndex.read(MemorySegment.ofArray(zip), "z64");
        assertEquals(3, index.entries().size());
        try (TorchCheckpoint c = TorchCheckpoint.open(p)) {
            assertArrayEquals(new float[] {1.5f, -2f, 3f, 4.25f}, c.tensor("w").toFloatArray());
        }
    }
}
