package jdiffusion.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class HalfTest {
    private static final ValueLayout.OfShort LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Every one of the 65536 f16 bit patterns, through the vector path and the scalar tail. */
    @Test
    void f16BulkConversionMatchesJdkForAllBitPatterns() {
        try (Arena arena = Arena.ofConfined()) {
            int n = 65536 + 5; // a tail that is not a multiple of the vector length
            MemorySegment seg = arena.allocate(2L * n);
            for (int i = 0; i < n; i++) {
                seg.setAtIndex(LE, i, (short) (i * 7919));
            }
            float[] out = new float[n + 3];
            Half.f16ToFloat(seg, 0, out, 3, n);
            for (int i = 0; i < n; i++) {
                float expected = Float.float16ToFloat((short) (i * 7919));
                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(out[3 + i]),
                        "f16 bits " + Integer.toHexString((i * 7919) & 0xffff));
            }
        }
    }

    @Test
    void bf16BulkConversionIsTheHighHalfOfF32() {
        try (Arena arena = Arena.ofConfined()) {
            int n = 65536 + 3;
            MemorySegment seg = arena.allocate(2L * n);
            for (int i = 0; i < n; i++) {
                seg.setAtIndex(LE, i, (short) i);
            }
            float[] out = new float[n];
            Half.bf16ToFloat(seg, 0, out, 0, n);
            for (int i = 0; i < n; i++) {
                assertEquals((i & 0xffff) << 16, Float.floatToRawIntBits(out[i]));
            }
        }
    }

    @Test
    void bf16RoundsToNearestEven() {
        assertEquals((short) 0x3f80, Half.floatToBf16(1.0f));
        // 1 + 2^-8 is exactly halfway between bf16 1.0 and 1.0078125: ties to even (1.0).
        assertEquals((short) 0x3f80, Half.floatToBf16(1.00390625f));
        // Just above halfway rounds up.
        assertEquals((short) 0x3f81, Half.floatToBf16(Math.nextUp(1.00390625f)));
        assertEquals(Float.NaN, Half.bf16ToFloat(Half.floatToBf16(Float.NaN)));
    }

    @Test
    void f8Formats() {
        assertEquals(1.0f, Half.f8e4m3ToFloat((byte) 0x38));
        assertEquals(448.0f, Half.f8e4m3ToFloat((byte) 0x7e));
        assertEquals(-0x1p-9f, Half.f8e4m3ToFloat((byte) 0x81)); // smallest subnormal, negative
        assertEquals(Float.NaN, Half.f8e4m3ToFloat((byte) 0x7f));
        assertEquals(1.0f, Half.f8e5m2ToFloat((byte) 0x3c));
        assertEquals(57344.0f, Half.f8e5m2ToFloat((byte) 0x7b));
        assertEquals(Float.POSITIVE_INFINITY, Half.f8e5m2ToFloat((byte) 0x7c));
    }
}
