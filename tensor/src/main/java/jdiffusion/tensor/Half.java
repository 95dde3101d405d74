package jdiffusion.tensor;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Conversions between float32 and the narrow float formats checkpoints use (f16, bf16, f8). The
 * bulk converters are vectorised: checkpoints are mostly f16/bf16 and every weight passes through
 * here when a kernel packs it.
 */
public final class Half {
    private Half() {
    }

    private static final VectorSpecies<Short> S = ShortVector.SPECIES_PREFERRED.withShape(
            jdk.incubator.vector.VectorShape.forBitSize(IntVector.SPECIES_PREFERRED.vectorBitSize() / 2));
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final int LANES = I.length();
    /** 2^112: rescales an f16 exponent (bias 15) placed in an f32 (bias 127); exact for subnormals too. */
    private static final float F16_EXP_ADJUST = 0x1p112f;

    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    /** Round-to-nearest-even float32 to bfloat16 (NaN stays NaN). */
    public static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    /** float8 e4m3 "fn" (PyTorch float8_e4m3fn): bias 7, no infinities, S.1111.111 is NaN. */
    public static float f8e4m3ToFloat(byte b) {
        int sign = (b & 0x80) != 0 ? -1 : 1;
        int exp = (b >>> 3) & 0xf;
        int man = b & 0x7;
        if (exp == 0xf && man == 0x7) {
            return Float.NaN;
        }
        float v = exp == 0 ? man / 8f * 0x1p-6f : (1 + man / 8f) * Math.scalb(1f, exp - 7);
        return sign * v;
    }

    /** float8 e5m2 (PyTorch float8_e5m2): the high byte of an IEEE half. */
    public static float f8e5m2ToFloat(byte b) {
        return Float.float16ToFloat((short) ((b & 0xff) << 8));
    }

    /**
     * Converts {@code n} little-endian f16 values starting at byte {@code byteOffset} of {@code src}
     * into {@code dst[dstOff ..]}.
     */
    public static void f16ToFloat(MemorySegment src, long byteOffset, float[] dst, int dstOff, int n) {
        int i = 0;
        int bound = n - (n % LANES);
        for (; i < bound; i += LANES) {
            ShortVector h = ShortVector.fromMemorySegment(S, src, byteOffset + 2L * i, ByteOrder.LITTLE_ENDIAN);
            IntVector x = ((IntVector) h.convertShape(VectorOperators.S2I, I, 0)).and(0xffff);
            IntVector sign = x.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            IntVector em = x.and(0x7fff);
            IntVector shifted = em.lanewise(VectorOperators.LSHL, 13);
            IntVector scaled = shifted.reinterpretAsFloats().mul(F16_EXP_ADJUST).reinterpretAsInts();
            // Inf/NaN: exponent all ones must map to f32's all-ones exponent, keeping the payload.
            IntVector special = shifted.or(0x7f800000);
            // NaN comes out quiet, as the JDK's (and the hardware's) conversion does.
            special = special.blend(special.or(0x00400000), em.compare(VectorOperators.GT, 0x7c00));
            IntVector bits = scaled.blend(special, em.compare(VectorOperators.GE, 0x7c00)).or(sign);
            bits.reinterpretAsFloats().intoArray(dst, dstOff + i);
        }
        for (; i < n; i++) {
            dst[dstOff + i] = Float.float16ToFloat(src.get(SegmentStorage.I16_LE, byteOffset + 2L * i));
        }
    }

    /** As {@link #f16ToFloat} for bfloat16 values. */
    public static void bf16ToFloat(MemorySegment src, long byteOffset, float[] dst, int dstOff, int n) {
        int i = 0;
        int bound = n - (n % LANES);
        for (; i < bound; i += LANES) {
            ShortVector h = ShortVector.fromMemorySegment(S, src, byteOffset + 2L * i, ByteOrder.LITTLE_ENDIAN);
            IntVector x = (IntVector) h.convertShape(VectorOperators.S2I, I, 0);
            x.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoArray(dst, dstOff + i);
        }
        for (; i < n; i++) {
            dst[dstOff + i] = bf16ToFloat(src.get(SegmentStorage.I16_LE, byteOffset + 2L * i));
        }
    }

    /**
     * Converts {@code n} elements of {@code storage} starting at element {@code from} to float32 in
     * {@code dst[dstOff ..]}: the one routine every weight read goes through.
     */
    public static void toFloat(Storage storage, long from, float[] dst, int dstOff, int n) {
        switch (storage) {
            case ArrayStorage a -> System.arraycopy(a.data(), Math.toIntExact(from), dst, dstOff, n);
            case SegmentStorage s -> {
                MemorySegment seg = s.segment();
                switch (s.dtype()) {
                    case F32 -> MemorySegment.copy(seg, SegmentStorage.F32_LE, from * 4, dst, dstOff, n);
                    case F16 -> f16ToFloat(seg, from * 2, dst, dstOff, n);
                    case BF16 -> bf16ToFloat(seg, from * 2, dst, dstOff, n);
                    default -> {
                        for (int i = 0; i < n; i++) {
                            dst[dstOff + i] = s.getFloat(from + i);
                        }
                    }
                }
            }
            default -> storage.readFloats(from, dst, dstOff, n);
        }
    }
}
