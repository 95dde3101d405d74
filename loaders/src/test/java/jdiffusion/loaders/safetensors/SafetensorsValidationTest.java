package jdiffusion.loaders.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import jdiffusion.loaders.ModelFormatException;
import jdiffusion.tensor.DType;
import jdiffusion.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every malformation the reader must refuse, each with a message naming the file and the tensor. */
class SafetensorsValidationTest {

    /** A file: 8-byte little-endian header length, the header text, then {@code dataBytes} bytes. */
    static byte[] file(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(h.length).put(h).array();
    }

    static String expectError(byte[] bytes) {
        var e = assertThrows(ModelFormatException.class, () -> SafetensorsFile.read(MemorySegment.ofArray(bytes), "bad.safetensors"));
        assertTrue(e.getMessage().startsWith("bad.safetensors: "), e.getMessage());
        return e.getMessage();
    }

    static void assertContains(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), "expected '" + p + "' in: " + message);
        }
    }

    private static final String T = "{\"t\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}";

    @Test
    void validFileOpens() {
        try (SafetensorsFile f = SafetensorsFile.read(MemorySegment.ofArray(file(T + "}", 16)), "ok")) {
            assertEquals(1, f.names().size());
        }
    }

    @Test
    void headerLengthLargerThanTheFile() {
        byte[] b = file(T + "}", 16);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1000);
        assertContains(expectError(b), "header length 1000 is larger than the file (81 bytes; truncated?)");
    }

    @Test
    void headerLengthOverTheLimitIsRefusedBeforeReadingIt(@TempDir Path dir) throws Exception {
        // a sparse 120 MB file whose header length says 110 MB: refused without allocating it
        Path p = dir.resolve("huge.safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
            raf.setLength(120L << 20);
            raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(110L << 20).array());
        }
        var e = assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(p));
        assertContains(e.getMessage(), "huge.safetensors", "header length 115343360 exceeds the 104857600-byte limit");
        byte[] neg = file(T + "}", 16);
        ByteBuffer.wrap(neg).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -8);
        assertContains(expectError(neg), "header length 18446744073709551608 exceeds");
    }

    @Test
    void fileShorterThanTheLengthField() {
        assertContains(expectError(new byte[5]), "5 bytes, shorter than the 8-byte header length");
    }

    @Test
    void invalidJson() {
        assertContains(expectError(file("{\"t\":{\"dtype\":\"F32\",", 0)), "header is not valid JSON");
        assertContains(expectError(file(T + "}}", 16)), "header is not valid JSON"); // trailing token
        assertContains(expectError(file("[1,2]", 0)), "header must be a JSON object");
        byte[] badUtf8 = file("{\"\u00e9\":1}", 0);
        badUtf8[10] = (byte) 0xff;
        assertContains(expectError(badUtf8), "header is not valid JSON");
    }

    @Test
    void offsetsOutOfRange() {
        assertContains(expectError(file("{\"t\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}", 12)),
                "tensor 't'", "end beyond the 12 bytes of data in the file (truncated?)");
        assertContains(expectError(file("{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", 8)),
                "tensor 't'", "are not a range");
        assertContains(expectError(file("{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}", 8)),
                "tensor 't'", "are not a range");
        assertContains(expectError(file("{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,1.5]}}", 8)),
                "tensor 't'", "are not integers");
    }

    @Test
    void overlappingData() {
        String h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        assertContains(expectError(file(h, 12)), "tensor 'b' at bytes [4, 12) overlaps the previous tensor, which ends at 8");
    }

    @Test
    void gapInTheData() {
        String h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
        assertContains(expectError(file(h, 12)), "tensor 'b' starts at byte 8", "gap after byte 4");
    }

    @Test
    void shapeTimesDtypeDiffersFromTheByteLength() {
        assertContains(expectError(file("{\"t\":{\"dtype\":\"F16\",\"shape\":[2,2],\"data_offsets\":[0,16]}}", 16)),
                "tensor 't'", "of F16 needs 8 bytes but data_offsets [0,16] span 16");
    }

    @Test
    void unknownDtype() {
        assertContains(expectError(file("{\"t\":{\"dtype\":\"C64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8)),
                "tensor 't'", "unknown dtype 'C64'");
    }

    @Test
    void duplicateNames() {
        String h = "{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        assertContains(expectError(file(h, 8)), "header names 't' twice (duplicate tensor name)");
    }

    @Test
    void truncatedFile() {
        byte[] whole = file(T + "}", 16);
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 3);
        assertContains(expectError(cut), "tensor 't'", "end beyond the 13 bytes of data in the file (truncated?)");
    }

    @Test
    void trailingBytesAfterTheData() {
        assertContains(expectError(file(T + "}", 20)), "tensors cover 16 bytes of data but the file holds 20 (4 trailing bytes)");
    }

    @Test
    void badShapesAndEntries() {
        assertContains(expectError(file("{\"t\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,0]}}", 0)),
                "tensor 't'", "invalid dimension");
        assertContains(expectError(file("{\"t\":{\"dtype\":\"F32\",\"shape\":[4294967296],\"data_offsets\":[0,0]}}", 0)),
                "invalid dimension");
        assertContains(expectError(file("{\"t\":{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647,2147483647],"
                + "\"data_offsets\":[0,0]}}", 0)), "overflows");
        assertContains(expectError(file("{\"t\":{\"dtype\":\"F32\",\"shape\":[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1],"
                + "\"data_offsets\":[0,4]}}", 4)), "rank 17 exceeds 16");
        assertContains(expectError(file("{\"t\":[1,2]}", 0)), "tensor 't'", "entry must be an object");
        assertContains(expectError(file("{\"t\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4)), "needs dtype (string), shape");
        assertContains(expectError(file("{\"__metadata__\":{\"k\":1}}", 0)), "__metadata__ value of 'k' is not a string");
        assertContains(expectError(file("{\"__metadata__\":[]}", 0)), "__metadata__ must be an object");
        // a tensor of 2^31 one-byte elements is refused even though its offsets are consistent
        assertContains(expectError(file("{\"t\":{\"dtype\":\"U8\",\"shape\":[65536,32768],\"data_offsets\":[0,0]}}", 0)),
                "tensor 't'");
    }

    /** Every dtype the format defines is readable and converts to float32 exactly. */
    @Test
    void everyDtypeReadsAsFloat() {
        StringBuilder h = new StringBuilder("{");
        ByteBuffer data = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
        record Case(String name, DType t, byte[] bytes, float[] want) {
        }
        ByteBuffer f64 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(1.25).putDouble(-3e10);
        ByteBuffer i64 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-5).putLong(1L << 40);
        ByteBuffer i32 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(-7).putInt(123456);
        ByteBuffer i16 = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) -300).putShort((short) 32767);
        ByteBuffer f32 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(0.1f).putFloat(-2f);
        ByteBuffer f16 = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x3c00).putShort((short) 0xc100);
        ByteBuffer bf16 = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x3fc0).putShort((short) 0xc040);
        Case[] cases = {
            new Case("f64", DType.F64, f64.array(), new float[] {1.25f, -3e10f}),
            new Case("i64", DType.I64, i64.array(), new float[] {-5f, 1099511627776f}),
            new Case("i32", DType.I32, i32.array(), new float[] {-7f, 123456f}),
            new Case("i16", DType.I16, i16.array(), new float[] {-300f, 32767f}),
            new Case("f32", DType.F32, f32.array(), new float[] {0.1f, -2f}),
            new Case("f16", DType.F16, f16.array(), new float[] {1f, -2.5f}),
            new Case("bf16", DType.BF16, bf16.array(), new float[] {1.5f, -3f}),
            new Case("i8", DType.I8, new byte[] {-128, 127}, new float[] {-128f, 127f}),
            new Case("u8", DType.U8, new byte[] {(byte) 255, 7}, new float[] {255f, 7f}),
            new Case("bool", DType.BOOL, new byte[] {1, 0}, new float[] {1f, 0f}),
            // e4m3fn: 0x38 = 1.0, 0xc0 = -2.0, 0x01 = 2^-9 (subnormal), 0x7e = 448 (largest)
            new Case("f8e4m3", DType.F8_E4M3, new byte[] {0x38, (byte) 0xc0, 0x01, 0x7e}, new float[] {1f, -2f, 0x1p-9f, 448f}),
            // e5m2: 0x3c = 1.0, 0xc2 = -3.0, 0x01 = 2^-16 (subnormal), 0x7b = 57344 (largest)
            new Case("f8e5m2", DType.F8_E5M2, new byte[] {0x3c, (byte) 0xc2, 0x01, 0x7b}, new float[] {1f, -3f, 0x1p-16f, 57344f}),
        };
        int off = 0;
        for (Case c : cases) {
            if (h.length() > 1) {
                h.append(',');
            }
            h.append("\"").append(c.name()).append("\":{\"dtype\":\"").append(c.t().name()).append("\",\"shape\":[")
                    .append(c.want().length).append("],\"data_offsets\":[").append(off).append(',')
                    .append(off + c.bytes().length).append("]}");
            data.put(c.bytes());
            off += c.bytes().length;
        }
        byte[] header = h.append('}').toString().getBytes(StandardCharsets.UTF_8);
        byte[] bytes = ByteBuffer.allocate(8 + header.length + off).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(header.length).put(header).put(data.array(), 0, off).array();
        try (SafetensorsFile f = SafetensorsFile.read(MemorySegment.ofArray(bytes), "dtypes")) {
            for (Case c : cases) {
                Tensor t = f.tensor(c.name());
                assertEquals(c.t(), t.dtype(), c.name());
                assertArrayEquals(c.want(), t.toF32().array(), c.name());
                assertArrayEquals(c.want(), t.toFloatArray(), c.name());
                for (int i = 0; i < c.want().length; i++) {
                    assertEquals(c.want()[i], t.getFlat(i), c.name());
                }
            }
        }
    }

    @Test
    void missingFileIsAnIoErrorNamingIt(@TempDir Path dir) {
        Path p = dir.resolve("nope.safetensors");
        var e = assertThrows(java.nio.file.NoSuchFileException.class, () -> SafetensorsFile.open(p));
        assertTrue(e.getMessage().contains("nope.safetensors"));
        assertTrue(Files.notExists(p));
    }
}
